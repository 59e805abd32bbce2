/* oneDNN's own f32 and bf16 kernels on the SD 1.5 UNet's shapes at 512² with guidance (batch 2), for
 * Scripts/bench-precision to print beside the engine's (`artfactory-bench-engine ops`): 3x3 convolutions
 * (NCHW, as the engine's tensors are, and NHWC, oneDNN's fastest bf16 layout) and matmuls, medians of 5.
 * Build: cc -O2 Scripts/bench/onednn_ops.c -o onednn_ops -ldnnl */
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(x) do { dnnl_status_t st_ = (x); if (st_ != dnnl_success) { fprintf(stderr, "oneDNN error %d at line %d\n", st_, __LINE__); exit(1); } } while (0)
static dnnl_engine_t eng;
static dnnl_stream_t stream;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

static double run(dnnl_primitive_t p, int nargs, dnnl_exec_arg_t *args) {
    double t[5];
    CHECK(dnnl_primitive_execute(p, stream, nargs, args));
    CHECK(dnnl_stream_wait(stream));
    for (int i = 0; i < 5; i++) {
        double s = now();
        CHECK(dnnl_primitive_execute(p, stream, nargs, args));
        CHECK(dnnl_stream_wait(stream));
        t[i] = (now() - s) * 1000;
    }
    qsort(t, 5, sizeof(double), cmp);
    return t[2];
}

static double conv(int n, int c, int h, dnnl_data_type_t dt, dnnl_format_tag_t tag, const char **impl) {
    dnnl_memory_desc_t s, w, b, d;
    dnnl_dims_t sd = {n, c, h, h}, wd = {c, c, 3, 3}, bd = {c}, dd = {n, c, h, h}, strides = {1, 1}, pad = {1, 1};
    CHECK(dnnl_memory_desc_init_by_tag(&s, 4, sd, dt, tag));
    CHECK(dnnl_memory_desc_init_by_tag(&w, 4, wd, dt, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&b, 1, bd, dnnl_f32, dnnl_a));
    CHECK(dnnl_memory_desc_init_by_tag(&d, 4, dd, dnnl_f32, tag));
    dnnl_convolution_desc_t cd;
    CHECK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &s, &w, &b, &d, strides, pad, pad));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL));
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl);
    dnnl_primitive_t p;
    CHECK(dnnl_primitive_create(&p, pd));
    dnnl_memory_t m[4];
    const dnnl_memory_desc_t *mds[4] = {dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0),
                                        dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &b,
                                        dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0)};
    for (int i = 0; i < 4; i++) CHECK(dnnl_memory_create(&m[i], mds[i], eng, DNNL_MEMORY_ALLOCATE));
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, m[0]}, {DNNL_ARG_WEIGHTS, m[1]}, {DNNL_ARG_BIAS, m[2]}, {DNNL_ARG_DST, m[3]}};
    return run(p, 4, args);
}

static double matmul(int m, int k, int n, dnnl_data_type_t dt, const char **impl) {
    dnnl_memory_desc_t a, b, c;
    dnnl_dims_t ad = {m, k}, bd = {k, n}, cd = {m, n};
    CHECK(dnnl_memory_desc_init_by_tag(&a, 2, ad, dt, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&b, 2, bd, dt, dnnl_ba));   /* [n, k] row-major weights, as nn.Linear */
    CHECK(dnnl_memory_desc_init_by_tag(&c, 2, cd, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t md;
    CHECK(dnnl_matmul_desc_init(&md, &a, &b, NULL, &c));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &md, NULL, eng, NULL));
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl);
    dnnl_primitive_t p;
    CHECK(dnnl_primitive_create(&p, pd));
    dnnl_memory_t mm[3];
    const dnnl_memory_desc_t *mds[3] = {&a, &b, &c};
    for (int i = 0; i < 3; i++) CHECK(dnnl_memory_create(&mm[i], mds[i], eng, DNNL_MEMORY_ALLOCATE));
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, mm[0]}, {DNNL_ARG_WEIGHTS, mm[1]}, {DNNL_ARG_DST, mm[2]}};
    return run(p, 3, args);
}

int main(int argc, char **argv) {
    int bf16 = argc > 1 && argv[1][0] == '1';
    CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, eng, dnnl_stream_default_flags));
    const char *impl = "";
    printf("%-34s%-12s%-12s%-12s\n", "oneDNN op (median ms)", "f32 nchw", bf16 ? "bf16 nchw" : "-", bf16 ? "bf16 nhwc" : "-");
    int convs[][2] = {{320, 64}, {640, 32}, {1280, 16}, {1280, 8}};
    for (int i = 0; i < 4; i++) {
        int c = convs[i][0], h = convs[i][1];
        char label[64];
        snprintf(label, sizeof label, "conv3x3 2x%dx%dx%d", c, h, h);
        printf("%-34s%-12.2f", label, conv(2, c, h, dnnl_f32, dnnl_nchw, &impl));
        if (bf16) {
            printf("%-12.2f", conv(2, c, h, dnnl_bf16, dnnl_nchw, &impl));
            printf("%-12.2f[%s]", conv(2, c, h, dnnl_bf16, dnnl_nhwc, &impl), impl);
        }
        printf("\n");
    }
    int mms[][3] = {{8192, 320, 320}, {8192, 320, 2560}, {8192, 1280, 320}, {2048, 640, 640}, {512, 1280, 1280}, {128, 1280, 10240}};
    for (int i = 0; i < 6; i++) {
        char label[64];
        snprintf(label, sizeof label, "linear %dx%dx%d", mms[i][0], mms[i][1], mms[i][2]);
        printf("%-34s%-12.2f", label, matmul(mms[i][0], mms[i][1], mms[i][2], dnnl_f32, &impl));
        if (bf16) printf("%-12.2f[%s]", matmul(mms[i][0], mms[i][1], mms[i][2], dnnl_bf16, &impl), impl);
        printf("\n");
    }
    return 0;
}
