//! The shared adapter suite run over transport-tokio.

xmlrpc_tests::adapter_suite!(xmlrpc_tests::adapters::TokioAdapter);
xmlrpc_tests::interop_suite!(xmlrpc_tests::adapters::TokioAdapter);
