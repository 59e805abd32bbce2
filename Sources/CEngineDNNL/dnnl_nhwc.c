/* See include/EngineDNNL.h: bf16 NHWC convolutions with fused post-ops, for layer chains that keep their
 * activations in bf16 NHWC from one convolution to the next (the tiny decoder), so that no call reorders
 * its input or output. */
#include "EngineDNNL.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int afk_dnnl_available(void);
dnnl_engine_t afk_dnnl_engine(void);
dnnl_stream_t afk_dnnl_stream(void);

typedef struct Chain {
    int64_t key[12];
    dnnl_primitive_t conv, weights_reorder;
    dnnl_memory_desc_t src, weights_plain, weights, bias, dst;
    struct Chain *next;
} Chain;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Chain *chains;
static void *weights_scratch;
static size_t weights_scratch_size;

static void destroy(Chain *c) {
    if (c->conv) dnnl_primitive_destroy(c->conv);
    if (c->weights_reorder) dnnl_primitive_destroy(c->weights_reorder);
    free(c);
}

static Chain *create(const int64_t *key, int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t k, int64_t stride,
                     int64_t pad, int has_bias, int dst_f32, int sum, int relu, dnnl_status_t *status) {
    Chain *c = calloc(1, sizeof(Chain));
    if (!c) { *status = dnnl_out_of_memory; return NULL; }
    memcpy(c->key, key, sizeof(c->key));
    int64_t oh = (ih + 2 * pad - k) / stride + 1, ow = (iw + 2 * pad - k) / stride + 1;
    dnnl_dims_t sd = {n, ic, ih, iw}, wd = {oc, ic, k, k}, bd = {oc}, dd = {n, oc, oh, ow};
    dnnl_dims_t strides = {stride, stride}, padding = {pad, pad};
    dnnl_memory_desc_t weights_any;
    dnnl_convolution_desc_t cd;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->src, 4, sd, dnnl_bf16, dnnl_nhwc)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->weights_plain, 4, wd, dnnl_f32, dnnl_oihw)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&weights_any, 4, wd, dnnl_bf16, dnnl_format_tag_any)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->bias, 1, bd, dnnl_f32, dnnl_x)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_tag(&c->dst, 4, dd, dst_f32 ? dnnl_f32 : dnnl_bf16, dnnl_nhwc)) != dnnl_success) goto fail;
    if ((*status = dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &c->src, &weights_any,
                                                      has_bias ? &c->bias : NULL, &c->dst, strides, padding, padding)) != dnnl_success) goto fail;
    if ((*status = dnnl_primitive_attr_create(&attr)) != dnnl_success) goto fail;
    if (sum || relu) {
        if ((*status = dnnl_post_ops_create(&ops)) != dnnl_success) goto fail;
        if (sum && (*status = dnnl_post_ops_append_sum(ops, 1.0f)) != dnnl_success) goto fail;
        if (relu && (*status = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f)) != dnnl_success) goto fail;
        if ((*status = dnnl_primitive_attr_set_post_ops(attr, ops)) != dnnl_success) goto fail;
    }
    if ((*status = dnnl_primitive_desc_create(&pd, &cd, attr, afk_dnnl_engine(), NULL)) != dnnl_success) goto fail;
    c->weights = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    if ((*status = dnnl_primitive_create(&c->conv, pd)) != dnnl_success) goto fail;
    dnnl_primitive_desc_destroy(pd);
    pd = NULL;
    {
        dnnl_primitive_desc_t rpd = NULL;
        if ((*status = dnnl_reorder_primitive_desc_create(&rpd, &c->weights_plain, afk_dnnl_engine(), &c->weights, afk_dnnl_engine(),
                                                          NULL)) != dnnl_success) goto fail;
        *status = dnnl_primitive_create(&c->weights_reorder, rpd);
        dnnl_primitive_desc_destroy(rpd);
        if (*status != dnnl_success) goto fail;
    }
    if (ops) dnnl_post_ops_destroy(ops);
    dnnl_primitive_attr_destroy(attr);
    return c;
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (ops) dnnl_post_ops_destroy(ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
    destroy(c);
    return NULL;
}

int afk_dnnl_conv2d_nhwc_bf16(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t k, int64_t stride, int64_t pad,
                              const uint16_t *src, const float *weights, const float *bias, void *dst, int dst_f32, int sum,
                              int relu) {
    if (!afk_dnnl_available()) return dnnl_runtime_error;
    int64_t key[12] = {n, ic, ih, iw, oc, k, stride, pad, bias != NULL, dst_f32, sum, relu};
    pthread_mutex_lock(&lock);
    Chain *c = chains;
    while (c && memcmp(c->key, key, sizeof(key)) != 0) c = c->next;
    dnnl_status_t s = dnnl_success;
    if (!c) {
        c = create(key, n, ic, ih, iw, oc, k, stride, pad, bias != NULL, dst_f32, sum, relu, &s);
        if (!c) { pthread_mutex_unlock(&lock); return (int)s; }
        c->next = chains;
        chains = c;
    }
    dnnl_memory_t sm = NULL, wpm = NULL, wm = NULL, bm = NULL, dm = NULL;
    size_t wsize = dnnl_memory_desc_get_size(&c->weights);
    if (weights_scratch_size < wsize) {
        free(weights_scratch);
        weights_scratch = malloc(wsize);
        weights_scratch_size = weights_scratch ? wsize : 0;
        if (!weights_scratch) { s = dnnl_out_of_memory; goto done; }
    }
    if ((s = dnnl_memory_create(&wpm, &c->weights_plain, afk_dnnl_engine(), (void *)weights)) != dnnl_success) goto done;
    if ((s = dnnl_memory_create(&wm, &c->weights, afk_dnnl_engine(), weights_scratch)) != dnnl_success) goto done;
    {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, wpm}, {DNNL_ARG_TO, wm}};
        if ((s = dnnl_primitive_execute(c->weights_reorder, afk_dnnl_stream(), 2, args)) != dnnl_success) goto done;
    }
    if ((s = dnnl_memory_create(&sm, &c->src, afk_dnnl_engine(), (void *)src)) != dnnl_success) goto done;
    if ((s = dnnl_memory_create(&dm, &c->dst, afk_dnnl_engine(), dst)) != dnnl_success) goto done;
    {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, sm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, dm}, {DNNL_ARG_BIAS, NULL}};
        int nargs = 3;
        if (bias) {
            if ((s = dnnl_memory_create(&bm, &c->bias, afk_dnnl_engine(), (void *)bias)) != dnnl_success) goto done;
            args[3].memory = bm;
            nargs = 4;
        }
        if ((s = dnnl_primitive_execute(c->conv, afk_dnnl_stream(), nargs, args)) != dnnl_success) goto done;
    }
    s = dnnl_stream_wait(afk_dnnl_stream());
done:
    if (sm) dnnl_memory_destroy(sm);
    if (wpm) dnnl_memory_destroy(wpm);
    if (wm) dnnl_memory_destroy(wm);
    if (bm) dnnl_memory_destroy(bm);
    if (dm) dnnl_memory_destroy(dm);
    pthread_mutex_unlock(&lock);
    return (int)s;
}
