// Command mailpit is github.com/axllent/mailpit v1.28.0, built by scripts/lib/tools.sh.
// Mirrors mailpit's own main.go without the sendmail personality, which we do not use.
package main

import "github.com/axllent/mailpit/cmd"

func main() {
	cmd.Execute()
}
