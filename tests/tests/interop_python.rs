//! Python's `xmlrpc` against our transports. The std adapter runs here; the
//! tokio and smol files add `xmlrpc_tests::interop_suite!(TheirAdapter);`.

xmlrpc_tests::interop_suite!(xmlrpc_tests::adapters::StdAdapter);
