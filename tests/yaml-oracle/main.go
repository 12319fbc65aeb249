// Command yaml-oracle decodes YAML documents exactly as Kubernetes does: sigs.k8s.io/yaml's
// YAMLToJSON over gopkg.in/yaml.v2, the conversion the API machinery and kubectl apply to a
// manifest before anything reads it. It is podsec's test oracle for YAML fidelity.
//
// Input on stdin: documents, each written as a header line "#doc N" (N = byte length) followed by
// exactly N bytes. Output on stdout: one line per document, either {"ok":JSON} with the JSON
// Kubernetes sees, or {"error":"message"}.
//
// Built offline from Debian's packages by `cargo xtask setup`:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o target/yaml-oracle ./tests/yaml-oracle
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

func decode(doc []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return yaml.YAMLToJSON(doc)
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	for {
		header, err := in.ReadString('\n')
		if err == io.EOF && header == "" {
			return
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "yaml-oracle: reading a header: %v\n", err)
			os.Exit(2)
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(header, "#doc ")))
		if !strings.HasPrefix(header, "#doc ") || err != nil || n < 0 {
			fmt.Fprintf(os.Stderr, "yaml-oracle: bad header %q\n", header)
			os.Exit(2)
		}
		doc := make([]byte, n)
		if _, err := io.ReadFull(in, doc); err != nil {
			fmt.Fprintf(os.Stderr, "yaml-oracle: reading a document: %v\n", err)
			os.Exit(2)
		}
		js, err := decode(doc)
		if err != nil {
			msg, _ := json.Marshal(err.Error())
			fmt.Fprintf(out, "{\"error\":%s}\n", msg)
		} else {
			fmt.Fprintf(out, "{\"ok\":%s}\n", js)
		}
	}
}
