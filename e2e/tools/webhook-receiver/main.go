// webhook-receiver: the end of aviary's audit webhook in the e2e test bed. It records every POST it accepts
// as one JSON line, so that a scenario can compare what arrived with what the controller decided.
//
//	webhook-receiver --listen 127.0.0.1:PORT --out FILE [--secret-file FILE] [--refuse-file FILE]
//
// Each POST (any path): while the file named by --refuse-file exists, the answer is 503, nothing is appended
// to --out and the refusal is counted in a line on stderr. Otherwise one line is appended to --out,
//
//	{"path": "/...", "received": "<RFC3339Nano>", "signature": "<X-Aviary-Signature or empty>",
//	 "signature_ok": true|false|null, "body": <the body as JSON>}
//
// and the answer is 200. signature_ok is null without --secret-file, else true exactly when the header is
// "sha256=" followed by the lowercase hex HMAC-SHA256 of the body keyed with the secret file's bytes. A body
// that is not JSON is answered 400 and recorded nowhere: the webhook only ever sends JSON, so such a body is
// a failure the scenario must see. GET /healthz answers 200.
//
// Lines are written whole: --out is opened O_APPEND and each line is a single write, under a lock, so that a
// reader never sees half a record and concurrent requests do not interleave. Standard library only, so that
// it builds offline.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

// maxBody bounds one request's body; an audit record is a few hundred bytes.
const maxBody = 1 << 20

type record struct {
	Path        string          `json:"path"`
	Received    string          `json:"received"`
	Signature   string          `json:"signature"`
	SignatureOK *bool           `json:"signature_ok"`
	Body        json.RawMessage `json:"body"`
}

type receiver struct {
	out        *os.File
	secret     []byte // nil: no --secret-file
	refuseFile string
	mu         sync.Mutex
	accepted   int
	refused    int
}

func (r *receiver) refusing() bool {
	if r.refuseFile == "" {
		return false
	}
	_, err := os.Stat(r.refuseFile)
	return err == nil
}

func (r *receiver) signatureOK(header string, body []byte) *bool {
	if r.secret == nil {
		return nil
	}
	mac := hmac.New(sha256.New, r.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	ok := hmac.Equal([]byte(header), []byte(want))
	return &ok
}

func (r *receiver) handle(w http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodGet && req.URL.Path == "/healthz" {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "ok\n")
		return
	}
	if req.Method != http.MethodPost {
		http.Error(w, "only POST (and GET /healthz)", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if r.refusing() {
		r.mu.Lock()
		r.refused++
		n := r.refused
		r.mu.Unlock()
		log.Printf("refused POST %s (%d bytes): %s exists; %d refused so far", req.URL.Path, len(body),
			r.refuseFile, n)
		http.Error(w, "refusing on purpose", http.StatusServiceUnavailable)
		return
	}
	if !json.Valid(body) {
		log.Printf("POST %s: the body is not JSON (%d bytes); answered 400", req.URL.Path, len(body))
		http.Error(w, "the body is not JSON", http.StatusBadRequest)
		return
	}
	signature := req.Header.Get("X-Aviary-Signature")
	line, err := json.Marshal(record{
		Path:        req.URL.Path,
		Received:    time.Now().UTC().Format(time.RFC3339Nano),
		Signature:   signature,
		SignatureOK: r.signatureOK(signature, body),
		Body:        json.RawMessage(body),
	})
	if err != nil {
		http.Error(w, "encoding the record: "+err.Error(), http.StatusInternalServerError)
		return
	}
	line = append(line, '\n')
	r.mu.Lock()
	_, err = r.out.Write(line)
	if err == nil {
		r.accepted++
	}
	r.mu.Unlock()
	if err != nil {
		log.Printf("POST %s: writing %s: %v; answered 500", req.URL.Path, r.out.Name(), err)
		http.Error(w, "recording failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func run() error {
	listen := flag.String("listen", "", "address to listen on, e.g. 127.0.0.1:8080 (required)")
	outPath := flag.String("out", "", "file each accepted POST is appended to as one JSON line (required)")
	secretFile := flag.String("secret-file", "", "file whose bytes key the HMAC-SHA256 of X-Aviary-Signature")
	refuseFile := flag.String("refuse-file", "", "while this file exists, every POST is answered 503")
	flag.Parse()
	if *listen == "" || *outPath == "" || flag.NArg() != 0 {
		flag.Usage()
		return errors.New("--listen and --out are required, and nothing else")
	}
	r := &receiver{refuseFile: *refuseFile}
	if *secretFile != "" {
		secret, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("reading --secret-file: %w", err)
		}
		r.secret = secret
	}
	out, err := os.OpenFile(*outPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening --out: %w", err)
	}
	defer out.Close()
	r.out = out
	log.Printf("listening on %s, recording to %s (signature check: %t, refuse file: %q)", *listen, *outPath,
		r.secret != nil, *refuseFile)
	server := &http.Server{Addr: *listen, Handler: http.HandlerFunc(r.handle), ReadHeaderTimeout: 10 * time.Second}
	return server.ListenAndServe()
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("webhook-receiver: ")
	if err := run(); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}
