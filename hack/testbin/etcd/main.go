// Command etcd is a build shim for the etcd server used by syspool's
// integration tests. `go install go.etcd.io/etcd/server/v3@version` is refused
// because etcd's go.mod carries replace directives, so this module requires the
// server as an ordinary dependency and calls its real entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
