//! The server half of the shared adapter suite run over transport-hyper's
//! tower service on hyper's server, and Python's `ServerProxy` against it.

xmlrpc_tests::server_half_suite!(xmlrpc_tests::adapters::HyperAdapter);

#[test]
fn python_client_calls_our_server() {
    xmlrpc_tests::interop::python_client_calls_our_server::<xmlrpc_tests::adapters::HyperAdapter>();
}
