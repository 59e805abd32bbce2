#ifndef ARTFACTORY_TLS_SHIMS_H
#define ARTFACTORY_TLS_SHIMS_H

#include <stddef.h>

/// A TLS client session over an already connected, blocking TCP socket (OpenSSL). Used by the
/// daemon's websocket client for `wss://` (ComfyUI behind a TLS proxy). The socket stays the
/// caller's: `afk_tls_free` does not close it.
typedef struct afk_tls afk_tls;

/// Handshakes as a client of `host` (SNI, and the certificate checked against that name or IP
/// address) trusting the system's CA store (OpenSSL's default paths, which honour SSL_CERT_FILE
/// and SSL_CERT_DIR) plus `extra_ca_file` when not NULL. TLS 1.2 or newer. NULL on failure, with
/// a one-line reason in `error` (e.g. "certificate verify failed: self-signed certificate").
afk_tls *afk_tls_connect(int fd, const char *host, const char *extra_ca_file, char *error, size_t error_length);

/// Decrypted bytes already buffered inside the session (read them before waiting on the socket).
int afk_tls_pending(afk_tls *tls);

/// Reads up to `length` bytes: > 0 bytes read, 0 when the peer closed, -1 when nothing complete
/// arrived within the socket's receive timeout (try again), -2 on an error.
long afk_tls_read(afk_tls *tls, void *buffer, size_t length);

/// Writes up to `length` bytes: > 0 bytes written, -1 timeout, -2 error.
long afk_tls_write(afk_tls *tls, const void *buffer, size_t length);

/// Sends close_notify (best effort) and frees the session; the socket is left open.
void afk_tls_free(afk_tls *tls);

#endif
