/**
 * The GraphQL schema: the shapes of the REST APIs it sits on, nothing more. Money is an
 * integer in minor units with its currency, as in REST; lists are cursor pages.
 */

/** A cursor page of `type`, as every REST list answers. */
const page = (type: string) => `type ${type}Page { items: [${type}!]! nextCursor: String }`;

/** What a product is given when created and shows after (the input adds its initial stock). */
const productFields = `
    sku: String!
    name: String!
    description: String
    price: Int!
    currency: String!
    categoryId: ID
    imageUrl: String
    maxPerCustomer: Int
    creatorId: ID`;

export const typeDefs = /* GraphQL */ `
  type Query {
    "The catalogue, as GET /api/products (cached, invalidated by product events)."
    products(q: String, sku: String, category: String, creator: String, minPrice: Int, maxPrice: Int, sort: String, limit: Int, cursor: String): ProductPage!
    product(id: ID!): Product
    categories(limit: Int, cursor: String): CategoryPage!
    "A creator's profile, as GET /api/creators/:id (null: none)."
    creator(id: ID!): Creator
    "The caller's profile."
    me: User
    "Every profile (admin)."
    users(limit: Int, cursor: String): UserPage!
    "One profile: the caller's own, or anyone's for an admin."
    user(id: ID!): User
    "The caller's orders (an admin may name a userId)."
    orders(limit: Int, cursor: String, userId: ID): OrderPage!
    order(id: ID!): Order
    "The signed-in caller's cart, or a guest cart by id."
    cart(cartId: ID): Cart
  }

  type Mutation {
    registerUser(input: RegisterInput!): RegisteredUser!
    loginUser(input: LoginInput!): AuthTokens!
    "Admin."
    createProduct(input: CreateProductInput!): Product!
    "Admin."
    createCategory(input: CreateCategoryInput!): Category!
    "Admin."
    createCreator(input: CreateCreatorInput!): Creator!
    "Admin: every product and open cart line shows the change."
    updateCreator(id: ID!, input: UpdateCreatorInput!): Creator!
    "Items from the input, else from the cart; the same key and input replay the first answer."
    placeOrder(idempotencyKey: String!, input: PlaceOrderInput): Order!
    addCartItem(productId: ID!, quantity: Int!, cartId: ID): Cart!
  }

  type Product {
    id: ID!${productFields}
    "The brand or person behind it, as their profile is now."
    creator: CreatorSummary
    status: String!
    createdAt: String!
    updatedAt: String!
    "As GET /api/products/:id/recommendations (limit 1-20 per list, default 6)."
    recommendations(limit: Int): Recommendations!
  }
  ${page('Product')}
  type ProductSummary { id: ID! sku: String! name: String! price: Int! currency: String! categoryId: ID imageUrl: String }
  "orders: confirmed orders that had both products."
  type BoughtTogether { product: ProductSummary! orders: Int! }
  "orders: confirmed orders that had this product."
  type SimilarProduct { product: ProductSummary! sameCategory: Boolean! textMatch: Boolean! orders: Int! }
  type Recommendations { productId: ID! boughtTogether: [BoughtTogether!]! similar: [SimilarProduct!]! }
  type CreatorSummary { id: ID! name: String! slug: String! }
  type Creator { id: ID! slug: String! name: String! bio: String avatarUrl: String version: Int! createdAt: String! updatedAt: String! }
  type Category { id: ID! name: String! slug: String! createdAt: String! }
  ${page('Category')}

  type Address { line1: String! line2: String city: String! region: String postalCode: String! country: String! }
  type User {
    id: ID!
    email: String!
    name: String!
    phone: String
    shippingAddress: Address
    createdAt: String!
    updatedAt: String!
    "Their orders (the caller's own, or any user's for an admin)."
    orders(limit: Int, cursor: String): OrderPage!
  }
  ${page('User')}
  type RegisteredUser { id: ID! email: String! name: String! }
  type AuthTokens { accessToken: String! refreshToken: String! expiresIn: Int! tokenType: String! }

  type OrderItem {
    productId: ID!
    name: String!
    unitPrice: Int!
    quantity: Int!
    lineTotal: Int!
    "The product as the catalogue has it now (null once deleted); batched per request."
    product: Product
  }
  type Shipping { name: String phone: String address: Address }
  type StatusEntry { status: String! at: String! reason: String }
  type Order {
    id: ID!
    userId: ID!
    "Its owner (the caller, or anyone for an admin); batched per request."
    user: User
    status: String!
    items: [OrderItem!]!
    total: Int!
    currency: String!
    shipping: Shipping!
    statusHistory: [StatusEntry!]!
    expiresAt: String!
    createdAt: String!
    updatedAt: String!
  }
  ${page('Order')}

  type CartItem { productId: ID! name: String! creator: CreatorSummary unitPrice: Int! currency: String! quantity: Int! lineTotal: Int! product: Product }
  type Cart { id: ID! items: [CartItem!]! subtotal: Int! currency: String itemCount: Int! }

  input RegisterInput { email: String! password: String! name: String! }
  input LoginInput { email: String! password: String! }
  input CreateProductInput {${productFields}
    initialStock: Int!
  }
  input CreateCategoryInput { name: String! slug: String! }
  input CreateCreatorInput { slug: String! name: String! bio: String avatarUrl: String }
  "Absent fields stay as they are; null clears bio or avatarUrl."
  input UpdateCreatorInput { slug: String name: String bio: String avatarUrl: String }
  input LineInput { productId: ID!, quantity: Int! }
  input AddressInput { line1: String! line2: String city: String! region: String postalCode: String! country: String! }
  input PlaceOrderInput { items: [LineInput!], paymentToken: String, shippingAddress: AddressInput }
`;
