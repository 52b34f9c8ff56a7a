// SPDX-License-Identifier: GPL-2.0
/* The tracepoints' bodies live here, once; trace.h declares them. */

#define CREATE_TRACE_POINTS
#include "trace.h"
