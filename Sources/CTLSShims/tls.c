#include "TLSShims.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct afk_tls {
    SSL_CTX *context;
    SSL *ssl;
};

static void describe(char *error, size_t length, const char *what, SSL *ssl) {
    if (!error || length == 0) return;
    long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (verify != X509_V_OK) {
        snprintf(error, length, "certificate verify failed: %s", X509_verify_cert_error_string(verify));
        return;
    }
    unsigned long code = ERR_peek_last_error();
    if (code) {
        char reason[256];
        ERR_error_string_n(code, reason, sizeof reason);
        /* "error:0A000086:SSL routines::certificate verify failed" -> the part after the last ':' */
        const char *tail = strrchr(reason, ':');
        snprintf(error, length, "%s: %s", what, tail ? tail + 1 : reason);
    } else {
        snprintf(error, length, "%s", what);
    }
}

/* OpenSSL writes with write(2), which raises SIGPIPE when the peer has gone; a library must not
   kill its host for that. SIGPIPE is blocked on this thread around each call that may write, and
   one raised meanwhile is taken off the thread's pending set before the mask is restored. */
typedef struct { sigset_t old; int pending_before; } pipe_guard;

static void guard_begin(pipe_guard *g) {
    sigset_t pipe, pending;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigpending(&pending);
    g->pending_before = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &g->old);
}

static void guard_end(pipe_guard *g) {
    if (!g->pending_before) {
        sigset_t pipe, pending;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE)) {
            struct timespec zero = {0, 0};
            int saved = errno;
            while (sigtimedwait(&pipe, NULL, &zero) == -1 && errno == EINTR) {}
            errno = saved;
        }
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int is_ip_literal(const char *host) {
    unsigned char scratch[16];
    return inet_pton(AF_INET, host, scratch) == 1 || inet_pton(AF_INET6, host, scratch) == 1;
}

afk_tls *afk_tls_connect(int fd, const char *host, const char *extra_ca_file, char *error, size_t error_length) {
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (!context) { describe(error, error_length, "TLS unavailable", NULL); return NULL; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_set_default_verify_paths(context) != 1) {
        describe(error, error_length, "the system's CA certificates could not be read", NULL);
        SSL_CTX_free(context);
        return NULL;
    }
    if (extra_ca_file && *extra_ca_file && SSL_CTX_load_verify_locations(context, extra_ca_file, NULL) != 1) {
        describe(error, error_length, "the CA file could not be read", NULL);
        SSL_CTX_free(context);
        return NULL;
    }
    SSL *ssl = SSL_new(context);
    if (!ssl) { describe(error, error_length, "TLS unavailable", NULL); SSL_CTX_free(context); return NULL; }
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int named;
    if (is_ip_literal(host)) {
        named = X509_VERIFY_PARAM_set1_ip_asc(param, host);
    } else {
        named = X509_VERIFY_PARAM_set1_host(param, host, 0) && SSL_set_tlsext_host_name(ssl, host);
    }
    if (named != 1 || SSL_set_fd(ssl, fd) != 1) {
        describe(error, error_length, "TLS set-up failed", NULL);
        SSL_free(ssl);
        SSL_CTX_free(context);
        return NULL;
    }
    pipe_guard guard;
    guard_begin(&guard);
    int connected = SSL_connect(ssl);
    guard_end(&guard);
    if (connected != 1) {
        int reason = SSL_get_error(ssl, -1);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
            snprintf(error, error_length, "TLS handshake timed out");
        } else if (reason == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0) {
            snprintf(error, error_length, "TLS handshake failed: the connection closed (is it a TLS port?)");
        } else {
            describe(error, error_length, "TLS handshake failed", ssl);
        }
        SSL_free(ssl);
        SSL_CTX_free(context);
        return NULL;
    }
    afk_tls *tls = calloc(1, sizeof *tls);
    if (!tls) { SSL_free(ssl); SSL_CTX_free(context); return NULL; }
    tls->context = context;
    tls->ssl = ssl;
    return tls;
}

int afk_tls_pending(afk_tls *tls) { return tls ? SSL_pending(tls->ssl) : 0; }

long afk_tls_read(afk_tls *tls, void *buffer, size_t length) {
    if (!tls) return -2;
    ERR_clear_error();
    size_t done = 0;
    pipe_guard guard;  /* a read may write (a TLS 1.3 key update's answer) */
    guard_begin(&guard);
    int ok = SSL_read_ex(tls->ssl, buffer, length, &done);
    guard_end(&guard);
    if (ok == 1) return (long)done;
    switch (SSL_get_error(tls->ssl, 0)) {
    case SSL_ERROR_ZERO_RETURN: return 0;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: return -1;
    default: return -2;
    }
}

long afk_tls_write(afk_tls *tls, const void *buffer, size_t length) {
    if (!tls) return -2;
    ERR_clear_error();
    size_t done = 0;
    pipe_guard guard;
    guard_begin(&guard);
    int ok = SSL_write_ex(tls->ssl, buffer, length, &done);
    guard_end(&guard);
    if (ok == 1) return (long)done;
    switch (SSL_get_error(tls->ssl, 0)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: return -1;
    default: return -2;
    }
}

void afk_tls_free(afk_tls *tls) {
    if (!tls) return;
    pipe_guard guard;
    guard_begin(&guard);
    SSL_shutdown(tls->ssl);
    guard_end(&guard);
    SSL_free(tls->ssl);
    SSL_CTX_free(tls->context);
    free(tls);
}
