import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { clientAddress, LOOPBACK_PROXIES, trustedProxySet } from '../src/index.js';

function req(peer: string, headers: Record<string, string> = {}): Request {
  return { socket: { remoteAddress: peer }, headers } as unknown as Request;
}
const loopback = trustedProxySet(LOOPBACK_PROXIES);

describe('clientAddress', () => {
  it('when the peer is the loopback proxy, then X-Real-IP names the client', () => {
    expect(clientAddress(req('127.0.0.1', { 'x-real-ip': '203.0.113.5' }), loopback)).toBe('203.0.113.5');
    expect(clientAddress(req('::ffff:127.0.0.1', { 'x-real-ip': '2001:db8::1' }), loopback)).toBe('2001:db8::1');
    expect(clientAddress(req('::1', { 'x-real-ip': '203.0.113.5' }), loopback)).toBe('203.0.113.5');
  });

  it('when the peer is not trusted, then headers are ignored and the peer is the client', () => {
    expect(clientAddress(req('198.51.100.9', { 'x-real-ip': '203.0.113.5', 'x-forwarded-for': '1.2.3.4' }), loopback)).toBe('198.51.100.9');
    expect(clientAddress(req('::ffff:198.51.100.9'), loopback)).toBe('198.51.100.9');
  });

  it('when X-Real-IP is not an address, or only X-Forwarded-For is sent, then the peer is used', () => {
    expect(clientAddress(req('127.0.0.1', { 'x-real-ip': 'evil, 1.2.3.4' }), loopback)).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), loopback)).toBe('127.0.0.1');
  });

  it('when a trusted set is a CIDR list, then only those peers are believed', () => {
    const docker = trustedProxySet(['172.28.0.0/16']);
    expect(clientAddress(req('172.28.0.4', { 'x-real-ip': '203.0.113.5' }), docker)).toBe('203.0.113.5');
    expect(clientAddress(req('127.0.0.1', { 'x-real-ip': '203.0.113.5' }), docker)).toBe('127.0.0.1');
    expect(() => trustedProxySet(['not-an-ip/8'])).toThrow(/trustedProxies/);
  });
});
