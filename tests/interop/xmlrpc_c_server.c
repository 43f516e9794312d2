/* An xmlrpc-c Abyss server on 127.0.0.1, any free port (printed on the
 * first line), for our clients to call:
 *   echo(x)        returns x as xmlrpc-c read it
 *   types(x...)    the type names xmlrpc-c read, nested like the values
 *   sample()       a struct of every type, built explicitly in C
 *   fail(code,msg) a fault with that code and string
 *   factorial(n)   n!, an int (an i8 past 32 bits)
 * plus xmlrpc-c's own system.* methods (multicall, introspection). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xmlrpc-c/server.h>
#include <xmlrpc-c/server_abyss.h>

#include "xmlrpc_c_common.h"

static xmlrpc_value *echo(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    xmlrpc_value *x;
    (void)s; (void)c;
    if (xmlrpc_array_size(env, params) != 1) {
        xmlrpc_env_set_fault(env, -32602, "expected one param");
        return NULL;
    }
    xmlrpc_array_read_item(env, params, 0, &x);
    return x;
}

static xmlrpc_value *types(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s; (void)c;
    return type_tree(env, params);
}

static xmlrpc_value *sample(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    static const unsigned char bytes[] = {0, 1, 0xfe, 0xff};
    xmlrpc_datetime when = {1998, 7, 17, 14, 8, 55, 0};
    xmlrpc_value *dt = xmlrpc_datetime_new(env, when), *out;
    (void)params; (void)s; (void)c;
    out = xmlrpc_build_value(env, "{s:i,s:I,s:b,s:b,s:d,s:s,s:V,s:6,s:n,s:(is),s:{}}",
                             "int", -7, "i8", (xmlrpc_int64)(-9223372036854775807LL - 1),
                             "yes", 1, "no", 0, "double", -0.125,
                             "string", "<&> \xc3\xa9\xe2\x82\xac", "date", dt,
                             "bytes", bytes, sizeof bytes, "nil", "list", 1, "x", "empty");
    xmlrpc_DECREF(dt);
    return out;
}

static xmlrpc_value *fail(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    int code;
    const char *msg;
    (void)s; (void)c;
    xmlrpc_decompose_value(env, params, "(is)", &code, &msg);
    if (!env->fault_occurred) {
        xmlrpc_env_set_fault(env, code, msg);
        free((void *)msg);
    }
    return NULL;
}

static xmlrpc_value *factorial(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    int n;
    xmlrpc_int64 r = 1;
    (void)s; (void)c;
    xmlrpc_decompose_value(env, params, "(i)", &n);
    if (env->fault_occurred) return NULL;
    for (int i = 2; i <= n; i++) r *= i;
    if (r > 2147483647) return xmlrpc_i8_new(env, r);
    return xmlrpc_int_new(env, (int)r);
}

int main(void) {
    struct xmlrpc_method_info3 const methods[] = {
        {"echo", echo, NULL, 0, "?", "Returns its argument."},
        {"types", types, NULL, 0, "?", "The type names of its params."},
        {"sample", sample, NULL, 0, "S:", "Every type."},
        {"fail", fail, NULL, 0, "?", "A fault."},
        {"factorial", factorial, NULL, 0, "i:i", "n!"},
    };
    xmlrpc_server_abyss_parms parms;
    xmlrpc_registry *registry;
    xmlrpc_env env;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0 ||
        /* Listening before the port is printed: Abyss listens again later. */
        listen(fd, 16) != 0) {
        perror("bind 127.0.0.1:0");
        return 1;
    }
    xmlrpc_env_init(&env);
    registry = xmlrpc_registry_new(&env);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        xmlrpc_registry_add_method3(&env, registry, &methods[i]);
    if (env.fault_occurred) {
        fprintf(stderr, "registry: %s\n", env.fault_string);
        return 1;
    }
    memset(&parms, 0, sizeof parms);
    parms.registryP = registry;
    parms.socket_bound = 1;
    parms.socket_handle = fd;
    parms.log_file_name = NULL;
    printf("%u\n", (unsigned)ntohs(addr.sin_port));
    fflush(stdout);
    xmlrpc_server_abyss(&env, &parms, XMLRPC_APSIZE(socket_handle));
    if (env.fault_occurred) {
        fprintf(stderr, "abyss: %s\n", env.fault_string);
        return 1;
    }
    return 0;
}
