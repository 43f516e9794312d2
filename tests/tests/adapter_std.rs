//! The shared adapter suite over `transport-std`.

xmlrpc_tests::adapter_suite!(xmlrpc_tests::adapters::StdAdapter);
