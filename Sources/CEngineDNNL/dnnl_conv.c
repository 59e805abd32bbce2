/* See include/EngineDNNL.h: 2-D convolutions through oneDNN, plain NCHW f32 in and out. */
#include "EngineDNNL.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Shared with dnnl_matmul.c. */
int afk_dnnl_available(void);
dnnl_engine_t afk_dnnl_engine(void);
dnnl_stream_t afk_dnnl_stream(void);

typedef struct Conv {
    int64_t key[10];
    dnnl_primitive_t conv, src_reorder, weights_reorder, dst_reorder; /* reorders NULL when not needed */
    dnnl_memory_desc_t src_plain, weights_plain, bias_md, dst_plain;  /* what the caller passes */
    dnnl_memory_desc_t src, weights, dst;                              /* what the convolution wants */
    struct Conv *next;
} Conv;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Conv *convs;
static char conv_impl[128] = "none";

const char *afk_dnnl_last_conv_impl(void) { return conv_impl; }

/* Reorder buffers, reused across calls (all calls hold `lock`): a fresh 32-64 MB buffer per call at the
 * tiny decoder's 512² layers is served by mmap and costs a page fault per 4 KiB on first touch. Buffers
 * up to `keep_limit` bytes stay allocated between calls; bigger ones (upscalers at large sizes) are
 * released after their call. */
static void *scratch[3];
static size_t scratch_size[3];
static const size_t keep_limit = (size_t)96 << 20;

static void *scratch_get(int i, size_t n) {
    if (scratch_size[i] < n) {
        free(scratch[i]);
        scratch[i] = malloc(n);
        scratch_size[i] = scratch[i] ? n : 0;
    }
    return scratch[i];
}

static void scratch_trim(void) {
    for (int i = 0; i < 3; i++) {
        if (scratch_size[i] > keep_limit) { free(scratch[i]); scratch[i] = NULL; scratch_size[i] = 0; }
    }
}

static dnnl_status_t reorder(dnnl_primitive_t *out, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    *out = NULL;
    if (dnnl_memory_desc_equal(from, to)) return dnnl_success;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s = dnnl_reorder_primitive_desc_create(&pd, from, afk_dnnl_engine(), to, afk_dnnl_engine(), NULL);
    if (s != dnnl_success) return s;
    s = dnnl_primitive_create(out, pd);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

static void destroy(Conv *c) {
    if (c->conv) dnnl_primitive_destroy(c->conv);
    if (c->src_reorder) dnnl_primitive_destroy(c->src_reorder);
    if (c->weights_reorder) dnnl_primitive_destroy(c->weights_reorder);
    if (c->dst_reorder) dnnl_primitive_destroy(c->dst_reorder);
    free(c);
}

static Conv *create(const int64_t *key, dnnl_data_type_t dt, int64_t n, int64_t ic, int64_t ih, int64_t iw,
                    int64_t oc, int64_t k, int64_t stride, int64_t pad, int has_bias, dnnl_status_t *status) {
    Conv *c = calloc(1, sizeof(Conv));
    if (!c) { *status = dnnl_out_of_memory; return NULL; }
    memcpy(c->key, key, sizeof(c->key));
    int64_t oh = (ih + 2 * pad - k) / stride + 1, ow = (iw + 2 * pad - k) / stride + 1;
    dnnl_dims_t sd = {n, ic, ih, iw}, wd = {oc, ic, k, k}, bd = {oc}, dd = {n, oc, oh, ow};
    dnnl_dims_t strides = {stride, stride}, padding = {pad, pad};
    dnnl_memory_desc_t src_any, weights_any, dst_any;
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd = NULL;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->src_plain, 4, sd, dnnl_f32, dnnl_nchw)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->weights_plain, 4, wd, dnnl_f32, dnnl_oihw)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->bias_md, 1, bd, dnnl_f32, dnnl_x)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->dst_plain, 4, dd, dnnl_f32, dnnl_nchw)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&src_any, 4, sd, dt, dnnl_format_tag_any)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&weights_any, 4, wd, dt, dnnl_format_tag_any)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&dst_any, 4, dd, dnnl_f32, dnnl_format_tag_any)) != dnnl_success) goto fail;
    if ((*status = dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &src_any,
                                                      &weights_any, has_bias ? &c->bias_md : NULL, &dst_any, strides,
                                                      padding, padding)) != dnnl_success) goto fail;
    if ((*status = dnnl_primitive_desc_create(&pd, &cd, NULL, afk_dnnl_engine(), NULL)) != dnnl_success) goto fail;
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
        strncpy(conv_impl, impl, sizeof(conv_impl) - 1);
    c->src = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    c->weights = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    c->dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    if ((*status = dnnl_primitive_create(&c->conv, pd)) != dnnl_success) goto fail;
    dnnl_primitive_desc_destroy(pd);
    pd = NULL;
    if ((*status = reorder(&c->src_reorder, &c->src_plain, &c->src)) != dnnl_success) goto fail;
    if ((*status = reorder(&c->weights_reorder, &c->weights_plain, &c->weights)) != dnnl_success) goto fail;
    if ((*status = reorder(&c->dst_reorder, &c->dst, &c->dst_plain)) != dnnl_success) goto fail;
    return c;
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    destroy(c);
    return NULL;
}

/* Runs `p` from memory `from` (described by fd, at fp) to `to` (td, tp). */
static dnnl_status_t run_reorder(dnnl_primitive_t p, const dnnl_memory_desc_t *fd, void *fp, const dnnl_memory_desc_t *td, void *tp) {
    dnnl_memory_t fm = NULL, tm = NULL;
    dnnl_status_t s;
    if ((s = dnnl_memory_create(&fm, fd, afk_dnnl_engine(), fp)) != dnnl_success) goto done;
    if ((s = dnnl_memory_create(&tm, td, afk_dnnl_engine(), tp)) != dnnl_success) goto done;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, fm}, {DNNL_ARG_TO, tm}};
    if ((s = dnnl_primitive_execute(p, afk_dnnl_stream(), 2, args)) != dnnl_success) goto done;
    s = dnnl_stream_wait(afk_dnnl_stream());
done:
    if (fm) dnnl_memory_destroy(fm);
    if (tm) dnnl_memory_destroy(tm);
    return s;
}

int afk_dnnl_conv2d(int bf16, int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t k, int64_t stride,
                    int64_t pad, const float *src, const float *weights, const float *bias, float *dst) {
    if (!afk_dnnl_available()) return dnnl_runtime_error;
    int64_t key[10] = {bf16, n, ic, ih, iw, oc, k, stride, pad, bias != NULL};
    pthread_mutex_lock(&lock);
    Conv *c = convs;
    while (c && memcmp(c->key, key, sizeof(key)) != 0) c = c->next;
    dnnl_status_t s = dnnl_success;
    if (!c) {
        c = create(key, bf16 ? dnnl_bf16 : dnnl_f32, n, ic, ih, iw, oc, k, stride, pad, bias != NULL, &s);
        if (!c) { pthread_mutex_unlock(&lock); return (int)s; }
        c->next = convs;
        convs = c;
    }
    void *src_buf = NULL, *weights_buf = NULL, *dst_buf = NULL;
    dnnl_memory_t sm = NULL, wm = NULL, bm = NULL, dm = NULL;
    void *conv_src = (void *)src, *conv_weights = (void *)weights, *conv_dst = dst;
    if (c->src_reorder) {
        if (!(src_buf = scratch_get(0, dnnl_memory_desc_get_size(&c->src)))) { s = dnnl_out_of_memory; goto done; }
        if ((s = run_reorder(c->src_reorder, &c->src_plain, (void *)src, &c->src, src_buf)) != dnnl_success) goto done;
        conv_src = src_buf;
    }
    if (c->weights_reorder) {
        if (!(weights_buf = scratch_get(1, dnnl_memory_desc_get_size(&c->weights)))) { s = dnnl_out_of_memory; goto done; }
        if ((s = run_reorder(c->weights_reorder, &c->weights_plain, (void *)weights, &c->weights, weights_buf)) != dnnl_success) goto done;
        conv_weights = weights_buf;
    }
    if (c->dst_reorder) {
        if (!(dst_buf = scratch_get(2, dnnl_memory_desc_get_size(&c->dst)))) { s = dnnl_out_of_memory; goto done; }
        conv_dst = dst_buf;
    }
    if ((s = dnnl_memory_create(&sm, &c->src, afk_dnnl_engine(), conv_src)) != dnnl_success) goto done;
    if ((s = dnnl_memory_create(&wm, &c->weights, afk_dnnl_engine(), conv_weights)) != dnnl_success) goto done;
    if ((s = dnnl_memory_create(&dm, &c->dst, afk_dnnl_engine(), conv_dst)) != dnnl_success) goto done;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, sm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, dm}, {DNNL_ARG_BIAS, NULL}};
    int nargs = 3;
    if (bias) {
        if ((s = dnnl_memory_create(&bm, &c->bias_md, afk_dnnl_engine(), (void *)bias)) != dnnl_success) goto done;
        args[3].memory = bm;
        nargs = 4;
    }
    if ((s = dnnl_primitive_execute(c->conv, afk_dnnl_stream(), nargs, args)) != dnnl_success) goto done;
    if ((s = dnnl_stream_wait(afk_dnnl_stream())) != dnnl_success) goto done;
    if (c->dst_reorder) s = run_reorder(c->dst_reorder, &c->dst, dst_buf, &c->dst_plain, dst);
done:
    if (sm) dnnl_memory_destroy(sm);
    if (wm) dnnl_memory_destroy(wm);
    if (bm) dnnl_memory_destroy(bm);
    if (dm) dnnl_memory_destroy(dm);
    scratch_trim();
    pthread_mutex_unlock(&lock);
    return (int)s;
}
