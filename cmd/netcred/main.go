// Command netcred issues, inspects and verifies netcred credentials.
// Run "netcred help" for the commands.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], newEnv()))
}
