#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H
#include <vips/vips.h>

static inline int CVips_MAX_COORD(void) { return VIPS_MAX_COORD; }
static inline void CVips_unref(void *object) { g_object_unref(object); }
static inline GType CVips_TYPE_INT(void) { return G_TYPE_INT; }
static inline GType CVips_TYPE_DOUBLE(void) { return G_TYPE_DOUBLE; }
static inline GType CVips_TYPE_STRING(void) { return G_TYPE_STRING; }
static inline void CVips_gfree(void *p) { g_free(p); }

#endif
