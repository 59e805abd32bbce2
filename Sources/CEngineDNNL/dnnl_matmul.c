/* See include/EngineDNNL.h. */
#include "EngineDNNL.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    int64_t key[16];
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t a, b, c;
    struct Entry *next;
} Entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static dnnl_engine_t engine;
static dnnl_stream_t stream;
static int ready;
static Entry *entries;
static int cached;
static char last_impl[128] = "none";

static void setup(void) {
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return;
    if (dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) return;
    ready = 1;
}

int afk_dnnl_available(void) {
    pthread_once(&once, setup);
    return ready;
}

const char *afk_dnnl_last_impl(void) { return last_impl; }

dnnl_engine_t afk_dnnl_engine(void) { return engine; }
dnnl_stream_t afk_dnnl_stream(void) { return stream; }

int afk_dnnl_cached_primitives(void) { return cached; }

static Entry *create(const int64_t *key, dnnl_data_type_t dt, dnnl_data_type_t cdt, int64_t batch, int64_t m, int64_t n, int64_t k,
                     int64_t a_bs, int64_t a_rs, int64_t a_cs, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                     int64_t c_bs, int64_t c_rs, float alpha, int accumulate, dnnl_status_t *status) {
    Entry *e = calloc(1, sizeof(Entry));
    if (!e) { *status = dnnl_out_of_memory; return NULL; }
    memcpy(e->key, key, sizeof(e->key));
    dnnl_dims_t ad = {batch, m, k}, as = {a_bs, a_rs, a_cs};
    dnnl_dims_t bd = {batch, k, n}, bs = {b_bs, b_rs, b_cs};
    dnnl_dims_t cd = {batch, m, n}, cs = {c_bs, c_rs, 1};
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_matmul_desc_t md;
    if ((*status = dnnl_memory_desc_init_by_strides(&e->a, 3, ad, dt, as)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_strides(&e->b, 3, bd, dt, bs)) != dnnl_success) goto fail;
    if ((*status = dnnl_memory_desc_init_by_strides(&e->c, 3, cd, cdt, cs)) != dnnl_success) goto fail;
    if ((*status = dnnl_matmul_desc_init(&md, &e->a, &e->b, NULL, &e->c)) != dnnl_success) goto fail;
    if ((*status = dnnl_primitive_attr_create(&attr)) != dnnl_success) goto fail;
    if (alpha != 1.0f && (*status = dnnl_primitive_attr_set_output_scales(attr, 1, 0, &alpha)) != dnnl_success) goto fail;
    if (accumulate) {
        if ((*status = dnnl_post_ops_create(&ops)) != dnnl_success) goto fail;
        if ((*status = dnnl_post_ops_append_sum(ops, 1.0f)) != dnnl_success) goto fail;
        if ((*status = dnnl_primitive_attr_set_post_ops(attr, ops)) != dnnl_success) goto fail;
    }
    if ((*status = dnnl_primitive_desc_create(&pd, &md, attr, engine, NULL)) != dnnl_success) goto fail;
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl) {
        strncpy(last_impl, impl, sizeof(last_impl) - 1);
    }
    if ((*status = dnnl_primitive_create(&e->primitive, pd)) != dnnl_success) goto fail;
    dnnl_primitive_desc_destroy(pd);
    if (ops) dnnl_post_ops_destroy(ops);
    dnnl_primitive_attr_destroy(attr);
    return e;
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (ops) dnnl_post_ops_destroy(ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
    free(e);
    return NULL;
}

static int matmul(dnnl_data_type_t dt, dnnl_data_type_t cdt, int64_t batch, int64_t m, int64_t n, int64_t k,
                  const void *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                  const void *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                  void *c, int64_t c_bs, int64_t c_rs,
                  float alpha, int accumulate) {
    if (!afk_dnnl_available()) return dnnl_runtime_error;
    if (batch <= 0 || m <= 0 || n <= 0) return 0;
    if (batch == 1) { a_bs = m * k; b_bs = k * n; c_bs = m * n; } /* strides of a single item do not matter */
    int32_t alpha_bits;
    memcpy(&alpha_bits, &alpha, 4);
    int64_t key[16] = {batch, m, n, k, a_bs, a_rs, a_cs, b_bs, b_rs, b_cs, c_bs, c_rs, alpha_bits, accumulate, (int64_t)dt, (int64_t)cdt};
    pthread_mutex_lock(&lock);
    Entry *e = entries;
    while (e && memcmp(e->key, key, sizeof(key)) != 0) e = e->next;
    dnnl_status_t status = dnnl_success;
    if (!e) {
        e = create(key, dt, cdt, batch, m, n, k, a_bs, a_rs, a_cs, b_bs, b_rs, b_cs, c_bs, c_rs, alpha, accumulate, &status);
        if (!e) { pthread_mutex_unlock(&lock); return (int)status; }
        e->next = entries;
        entries = e;
        cached++;
    }
    dnnl_memory_t am = NULL, bm = NULL, cm = NULL;
    if ((status = dnnl_memory_create(&am, &e->a, engine, (void *)a)) != dnnl_success) goto done;
    if ((status = dnnl_memory_create(&bm, &e->b, engine, (void *)b)) != dnnl_success) goto done;
    if ((status = dnnl_memory_create(&cm, &e->c, engine, c)) != dnnl_success) goto done;
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
    if ((status = dnnl_primitive_execute(e->primitive, stream, 3, args)) != dnnl_success) goto done;
    status = dnnl_stream_wait(stream);
done:
    if (am) dnnl_memory_destroy(am);
    if (bm) dnnl_memory_destroy(bm);
    if (cm) dnnl_memory_destroy(cm);
    pthread_mutex_unlock(&lock);
    return (int)status;
}

int afk_dnnl_matmul_bf16(int64_t batch, int64_t m, int64_t n, int64_t k,
                         const uint16_t *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                         const uint16_t *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                         float *c, int64_t c_bs, int64_t c_rs,
                         float alpha, int accumulate) {
    return matmul(dnnl_bf16, dnnl_f32, batch, m, n, k, a, a_bs, a_rs, a_cs, b, b_bs, b_rs, b_cs, c, c_bs, c_rs, alpha, accumulate);
}

int afk_dnnl_matmul_f32(int64_t batch, int64_t m, int64_t n, int64_t k,
                        const float *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                        const float *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                        float *c, int64_t c_bs, int64_t c_rs,
                        float alpha, int accumulate) {
    return matmul(dnnl_f32, dnnl_f32, batch, m, n, k, a, a_bs, a_rs, a_cs, b, b_bs, b_rs, b_cs, c, c_bs, c_rs, alpha, accumulate);
}

int afk_dnnl_matmul_s8(int64_t batch, int64_t m, int64_t n, int64_t k,
                       const int8_t *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                       const int8_t *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                       int32_t *c, int64_t c_bs, int64_t c_rs) {
    return matmul(dnnl_s8, dnnl_s32, batch, m, n, k, a, a_bs, a_rs, a_cs, b, b_bs, b_rs, b_cs, c, c_bs, c_rs, 1.0f, 0);
}
