/* Shared by the xmlrpc-c client and server used in our interop tests:
 * a deep, type-checking comparison of two values, and the type tree of a
 * value (the names xmlrpc-c gives its types). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <xmlrpc-c/base.h>

static const char *type_name(xmlrpc_value *v) {
    switch (xmlrpc_value_type(v)) {
    case XMLRPC_TYPE_INT: return "int";
    case XMLRPC_TYPE_I8: return "i8";
    case XMLRPC_TYPE_BOOL: return "bool";
    case XMLRPC_TYPE_DOUBLE: return "double";
    case XMLRPC_TYPE_DATETIME: return "datetime";
    case XMLRPC_TYPE_STRING: return "string";
    case XMLRPC_TYPE_BASE64: return "base64";
    case XMLRPC_TYPE_ARRAY: return "array";
    case XMLRPC_TYPE_STRUCT: return "struct";
    case XMLRPC_TYPE_NIL: return "nil";
    default: return "other";
    }
}

/* 1 when a and b have the same types and values all the way down (struct
 * members in any order); otherwise prints where they differ and gives 0. */
__attribute__((unused)) static int same(xmlrpc_env *env, xmlrpc_value *a, xmlrpc_value *b, const char *path) {
    if (xmlrpc_value_type(a) != xmlrpc_value_type(b)) {
        fprintf(stderr, "%s: type %s vs %s\n", path, type_name(a), type_name(b));
        return 0;
    }
    int ok = 1;
    switch (xmlrpc_value_type(a)) {
    case XMLRPC_TYPE_INT: {
        int x, y;
        xmlrpc_read_int(env, a, &x); xmlrpc_read_int(env, b, &y);
        ok = x == y;
        if (!ok) fprintf(stderr, "%s: int %d vs %d\n", path, x, y);
        break;
    }
    case XMLRPC_TYPE_I8: {
        xmlrpc_int64 x, y;
        xmlrpc_read_i8(env, a, &x); xmlrpc_read_i8(env, b, &y);
        ok = x == y;
        if (!ok) fprintf(stderr, "%s: i8 %lld vs %lld\n", path, (long long)x, (long long)y);
        break;
    }
    case XMLRPC_TYPE_BOOL: {
        xmlrpc_bool x, y;
        xmlrpc_read_bool(env, a, &x); xmlrpc_read_bool(env, b, &y);
        ok = !x == !y;
        if (!ok) fprintf(stderr, "%s: bool %d vs %d\n", path, x, y);
        break;
    }
    case XMLRPC_TYPE_DOUBLE: {
        double x, y;
        xmlrpc_read_double(env, a, &x); xmlrpc_read_double(env, b, &y);
        /* xmlrpc-c 1.33 parses decimals inexactly (its own 0.0009765625
         * reads back as 0.00097656250000000043): allow a few ulps. */
        ok = fabs(x - y) <= 1e-15 * fabs(x);
        if (!ok) fprintf(stderr, "%s: double %.17g vs %.17g\n", path, x, y);
        break;
    }
    case XMLRPC_TYPE_DATETIME: {
        xmlrpc_datetime x, y;
        xmlrpc_read_datetime(env, a, &x); xmlrpc_read_datetime(env, b, &y);
        ok = x.Y == y.Y && x.M == y.M && x.D == y.D && x.h == y.h && x.m == y.m &&
             x.s == y.s && x.u == y.u;
        if (!ok) fprintf(stderr, "%s: datetime %u-%u-%u %u:%u:%u.%u vs %u-%u-%u %u:%u:%u.%u\n",
                         path, x.Y, x.M, x.D, x.h, x.m, x.s, x.u, y.Y, y.M, y.D, y.h, y.m, y.s, y.u);
        break;
    }
    case XMLRPC_TYPE_STRING: {
        size_t lx, ly;
        const char *x, *y;
        xmlrpc_read_string_lp(env, a, &lx, &x); xmlrpc_read_string_lp(env, b, &ly, &y);
        ok = !env->fault_occurred && lx == ly && memcmp(x, y, lx) == 0;
        if (!ok) fprintf(stderr, "%s: string [%.*s] vs [%.*s]\n", path, (int)lx, x, (int)ly, y);
        break;
    }
    case XMLRPC_TYPE_BASE64: {
        size_t lx, ly;
        const unsigned char *x, *y;
        xmlrpc_read_base64(env, a, &lx, &x); xmlrpc_read_base64(env, b, &ly, &y);
        ok = lx == ly && memcmp(x, y, lx) == 0;
        if (!ok) fprintf(stderr, "%s: base64 of %zu vs %zu bytes\n", path, lx, ly);
        break;
    }
    case XMLRPC_TYPE_ARRAY: {
        int n = xmlrpc_array_size(env, a);
        if (n != xmlrpc_array_size(env, b)) {
            fprintf(stderr, "%s: array sizes differ\n", path);
            return 0;
        }
        for (int i = 0; i < n && ok; i++) {
            xmlrpc_value *x, *y;
            char sub[256];
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            xmlrpc_array_read_item(env, a, i, &x);
            xmlrpc_array_read_item(env, b, i, &y);
            ok = same(env, x, y, sub);
            xmlrpc_DECREF(x); xmlrpc_DECREF(y);
        }
        break;
    }
    case XMLRPC_TYPE_STRUCT: {
        int n = xmlrpc_struct_size(env, a);
        if (n != xmlrpc_struct_size(env, b)) {
            fprintf(stderr, "%s: struct sizes differ\n", path);
            return 0;
        }
        for (int i = 0; i < n && ok; i++) {
            xmlrpc_value *key, *x, *y = NULL;
            const char *name;
            char sub[256];
            xmlrpc_struct_read_member(env, a, i, &key, &x);
            xmlrpc_read_string(env, key, &name);
            snprintf(sub, sizeof sub, "%s.%s", path, name);
            xmlrpc_struct_find_value(env, b, name, &y);
            if (y == NULL) {
                fprintf(stderr, "%s: missing\n", sub);
                ok = 0;
            } else {
                ok = same(env, x, y, sub);
                xmlrpc_DECREF(y);
            }
            free((void *)name);
            xmlrpc_DECREF(key); xmlrpc_DECREF(x);
        }
        break;
    }
    default:
        break;
    }
    if (env->fault_occurred) {
        fprintf(stderr, "%s: %s\n", path, env->fault_string);
        return 0;
    }
    return ok;
}

/* The type names of v, nested like v. */
__attribute__((unused)) static xmlrpc_value *type_tree(xmlrpc_env *env, xmlrpc_value *v) {
    if (xmlrpc_value_type(v) == XMLRPC_TYPE_ARRAY) {
        xmlrpc_value *out = xmlrpc_array_new(env);
        int n = xmlrpc_array_size(env, v);
        for (int i = 0; i < n; i++) {
            xmlrpc_value *item, *t;
            xmlrpc_array_read_item(env, v, i, &item);
            t = type_tree(env, item);
            xmlrpc_array_append_item(env, out, t);
            xmlrpc_DECREF(t); xmlrpc_DECREF(item);
        }
        return out;
    }
    if (xmlrpc_value_type(v) == XMLRPC_TYPE_STRUCT) {
        xmlrpc_value *out = xmlrpc_struct_new(env);
        int n = xmlrpc_struct_size(env, v);
        for (int i = 0; i < n; i++) {
            xmlrpc_value *key, *item, *t;
            xmlrpc_struct_read_member(env, v, i, &key, &item);
            t = type_tree(env, item);
            xmlrpc_struct_set_value_v(env, out, key, t);
            xmlrpc_DECREF(t); xmlrpc_DECREF(item); xmlrpc_DECREF(key);
        }
        return out;
    }
    return xmlrpc_string_new(env, type_name(v));
}
