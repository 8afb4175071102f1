// Command deck is Kong's decK CLI, built from github.com/kong/deck v1.55.0.
// This mirrors deck's own main.go: cancel the context on SIGINT/SIGTERM, then
// hand over to cmd.Execute. scripts/lib/tools.sh builds it into .run/tools/bin.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kong/deck/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd.Execute(ctx)
}
