// The parts of mpfr.h that are macros only, as functions Swift can call.
#ifndef SOFTMAX_LAB_CMPFR_SHIM_H
#define SOFTMAX_LAB_CMPFR_SHIM_H
#include <stdio.h>
#include <gmp.h>
#include <mpfr.h>

static inline int softmax_lab_mpfr_sgn(mpfr_srcptr x) { return mpfr_sgn(x); }
static inline mpfr_exp_t softmax_lab_mpfr_get_exp(mpfr_srcptr x) { return mpfr_get_exp(x); }
static inline mpfr_prec_t softmax_lab_mpfr_get_prec(mpfr_srcptr x) { return mpfr_get_prec(x); }
static inline int softmax_lab_mpfr_signbit(mpfr_srcptr x) { return mpfr_signbit(x) ? 1 : 0; }
static inline int softmax_lab_mpfr_nan_p(mpfr_srcptr x) { return mpfr_nan_p(x); }
static inline int softmax_lab_mpfr_inf_p(mpfr_srcptr x) { return mpfr_inf_p(x); }
static inline int softmax_lab_mpfr_zero_p(mpfr_srcptr x) { return mpfr_zero_p(x); }
static inline int softmax_lab_mpfr_cmp(mpfr_srcptr a, mpfr_srcptr b) { return mpfr_cmp(a, b); }
static inline int softmax_lab_mpfr_floor(mpfr_ptr r, mpfr_srcptr x) { return mpfr_rint(r, x, MPFR_RNDD); }
static inline int softmax_lab_mpfr_ceil(mpfr_ptr r, mpfr_srcptr x) { return mpfr_rint(r, x, MPFR_RNDU); }

#endif
