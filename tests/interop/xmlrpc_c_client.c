/* xmlrpc-c's client against our server: every type echoed back with its
 * type, i8 results, faults, system.multicall, introspection, validator1.
 * Usage: xmlrpc_c_client URL. Prints "ok" last; exits 1 at a mismatch. */
#include <xmlrpc-c/client.h>
#include <xmlrpc-c/client_global.h>

#include "xmlrpc_c_common.h"

static xmlrpc_env env;
static const char *url;

static void fail(const char *what) {
    if (env.fault_occurred)
        fprintf(stderr, "%s: fault %d: %s\n", what, env.fault_code, env.fault_string);
    else
        fprintf(stderr, "%s: mismatch\n", what);
    exit(1);
}

static void check(int ok, const char *what) {
    if (!ok || env.fault_occurred) fail(what);
}

/* Calls method with the params built from format and the arguments. */
static xmlrpc_value *call(const char *method, const char *format, ...) {
    va_list args;
    xmlrpc_value *params, *result;
    const char *tail;
    va_start(args, format);
    xmlrpc_build_value_va(&env, format, args, &params, &tail);
    va_end(args);
    check(1, "build params");
    result = xmlrpc_client_call_params(&env, url, method, params);
    xmlrpc_DECREF(params);
    return result;
}

static void echo(xmlrpc_value *v, const char *label) {
    xmlrpc_value *back = call("echo", "(V)", v);
    check(back != NULL && same(&env, v, back, label), label);
    xmlrpc_DECREF(back);
}

/* The fault code a call gave, clearing the fault. */
static int fault_code(const char *what) {
    int code;
    if (!env.fault_occurred) {
        fprintf(stderr, "%s: no fault\n", what);
        exit(1);
    }
    code = env.fault_code;
    xmlrpc_env_clean(&env);
    xmlrpc_env_init(&env);
    return code;
}

int main(int argc, char **argv) {
    unsigned char bytes[256];
    xmlrpc_datetime when = {2026, 1, 2, 3, 4, 5, 0};
    xmlrpc_datetime fraction = {1998, 7, 17, 14, 8, 55, 250000};
    xmlrpc_value *values[32], *all, *r, *dt, *dtf;
    int n = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s URL\n", argv[0]);
        return 2;
    }
    url = argv[1];
    for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
    xmlrpc_env_init(&env);
    xmlrpc_client_init2(&env, XMLRPC_CLIENT_NO_FLAGS, "interop", "1.0", NULL, 0);
    check(1, "client init");

    dt = xmlrpc_datetime_new(&env, when);
    dtf = xmlrpc_datetime_new(&env, fraction);
    values[n++] = xmlrpc_int_new(&env, 0);
    values[n++] = xmlrpc_int_new(&env, 2147483647);
    values[n++] = xmlrpc_int_new(&env, -2147483647 - 1);
    values[n++] = xmlrpc_i8_new(&env, 9223372036854775807LL);
    values[n++] = xmlrpc_i8_new(&env, -4294967296LL);
    values[n++] = xmlrpc_bool_new(&env, 1);
    values[n++] = xmlrpc_bool_new(&env, 0);
    values[n++] = xmlrpc_double_new(&env, 0.0);
    values[n++] = xmlrpc_double_new(&env, -1.5);
    values[n++] = xmlrpc_double_new(&env, 1.0 / 1024);
    values[n++] = xmlrpc_double_new(&env, 1e-7);
    values[n++] = xmlrpc_double_new(&env, 123456789.125);
    values[n++] = xmlrpc_double_new(&env, -2.5e300);
    values[n++] = xmlrpc_string_new(&env, "");
    values[n++] = xmlrpc_string_new(&env, "plain");
    values[n++] = xmlrpc_string_new(&env, "<tag> & ]]> 'q' \"dq\" \xc3\xa9\xe4\xb8\xad\xe2\x82\xac\ttab\nline");
    values[n++] = xmlrpc_string_new(&env, "carriage\rreturn\r\n");
    values[n++] = xmlrpc_string_new(&env, "  keep  spaces  ");
    values[n++] = dt;
    values[n++] = dtf;
    values[n++] = xmlrpc_base64_new(&env, 0, bytes);
    values[n++] = xmlrpc_base64_new(&env, sizeof bytes, bytes);
    values[n++] = xmlrpc_nil_new(&env);
    values[n++] = xmlrpc_build_value(&env, "()");
    values[n++] = xmlrpc_build_value(&env, "(isnd)", 1, "two", 2.5);
    values[n++] = xmlrpc_build_value(&env, "{}");
    values[n++] = xmlrpc_build_value(&env, "{s:s,s:{s:i,s:(bV)},s:{}}", "name", "a <b> & c",
                                     "inner", "n", 1, "list", 0, dt, "empty");
    check(1, "build values");
    all = xmlrpc_array_new(&env);
    for (int i = 0; i < n; i++) {
        char label[32];
        snprintf(label, sizeof label, "echo #%d", i);
        echo(values[i], label);
        xmlrpc_array_append_item(&env, all, values[i]);
    }
    echo(all, "echo all");

    {
        /* About 250 KB: curl sends it with Expect: 100-continue. */
        static const char piece[] = "a<&\xc3\xa9\xe4\xb8\xad\n";
        size_t len = strlen(piece), count = 25000;
        char *text = malloc(len * count + 1);
        xmlrpc_value *big;
        for (size_t i = 0; i < count; i++) memcpy(text + i * len, piece, len);
        text[len * count] = 0;
        big = xmlrpc_string_new(&env, text);
        echo(big, "echo big");
        xmlrpc_DECREF(big);
        free(text);
    }

    r = call("factorial", "(i)", 10);
    check(r != NULL && xmlrpc_value_type(r) == XMLRPC_TYPE_INT, "factorial(10) type");
    { int x; xmlrpc_read_int(&env, r, &x); check(x == 3628800, "factorial(10)"); }
    xmlrpc_DECREF(r);
    r = call("factorial", "(i)", 20);
    check(r != NULL && xmlrpc_value_type(r) == XMLRPC_TYPE_I8, "factorial(20) type");
    { xmlrpc_int64 x; xmlrpc_read_i8(&env, r, &x); check(x == 2432902008176640000LL, "factorial(20)"); }
    xmlrpc_DECREF(r);
    call("factorial", "(i)", -1);
    check(fault_code("factorial(-1)") == -32602, "factorial(-1) code");
    call("no.such.method", "()");
    check(fault_code("no.such.method") == -32601, "unknown method code");
    call("suite.fault", "(is)", 42, "custom <msg>");
    {
        /* xmlrpc-c puts "RPC failed at server.  " before the server's string. */
        const char *suffix = "  custom <msg>";
        size_t len = env.fault_occurred ? strlen(env.fault_string) : 0;
        int ends = len >= strlen(suffix) &&
                   strcmp(env.fault_string + len - strlen(suffix), suffix) == 0;
        int code = fault_code("suite.fault");
        check(ends, "suite.fault string");
        check(code == 42, "suite.fault code");
    }

    /* system.multicall: each result in a one-element array, faults as structs. */
    r = call("system.multicall", "(({s:s,s:(s)}{s:s,s:()}{s:s,s:(i)}))",
             "methodName", "echo", "params", "one",
             "methodName", "no.such", "params",
             "methodName", "factorial", "params", 5);
    check(r != NULL, "multicall");
    {
        xmlrpc_value *want = xmlrpc_build_value(&env, "((s){s:i,s:s}(i))", "one", "faultCode", -32601,
                                                "faultString", "?", 120);
        xmlrpc_value *got_fault, *code, *want_fault;
        check(xmlrpc_array_size(&env, r) == 3, "multicall size");
        /* The fault string is the server's to word: compare the code only. */
        xmlrpc_array_read_item(&env, r, 1, &got_fault);
        xmlrpc_struct_find_value(&env, got_fault, "faultCode", &code);
        check(code != NULL && xmlrpc_value_type(code) == XMLRPC_TYPE_INT, "multicall fault code");
        xmlrpc_array_read_item(&env, want, 1, &want_fault);
        xmlrpc_struct_set_value(&env, want_fault, "faultString",
                                xmlrpc_struct_get_value(&env, got_fault, "faultString"));
        check(same(&env, want, r, "multicall"), "multicall results");
        xmlrpc_DECREF(code); xmlrpc_DECREF(got_fault); xmlrpc_DECREF(want_fault); xmlrpc_DECREF(want);
    }
    xmlrpc_DECREF(r);

    r = call("system.methodSignature", "(s)", "factorial");
    {
        xmlrpc_value *want = xmlrpc_build_value(&env, "((ss)(ss))", "int", "int", "i8", "int");
        check(r != NULL && same(&env, want, r, "methodSignature"), "methodSignature");
        xmlrpc_DECREF(want);
    }
    xmlrpc_DECREF(r);
    r = call("validator1.easyStructTest", "({s:i,s:i,s:i})", "moe", 1, "larry", 2, "curly", 3);
    { int x = 0; check(r != NULL, "easyStructTest"); xmlrpc_read_int(&env, r, &x); check(x == 6, "easyStructTest sum"); }
    xmlrpc_DECREF(r);

    xmlrpc_client_cleanup();
    printf("ok\n");
    return 0;
}
