//! The macros that turn the suite into `#[test]` functions for one adapter.

/// Expands to one `#[test]` per suite function for adapter `$adapter`
/// (a type implementing [`Adapter`](crate::Adapter)):
///
/// ```ignore
/// struct MyAdapter;
/// impl xmlrpc_tests::Adapter for MyAdapter { /* ... */ }
/// xmlrpc_tests::adapter_suite!(MyAdapter);
/// ```
#[macro_export]
macro_rules! adapter_suite {
    ($adapter:ty) => {
        $crate::server_half_suite!($adapter);
        // What only a transport that owns its connections, sockets and
        // clients can pass.
        $crate::adapter_suite!(@tests $adapter;
            server_head_deadline_fires,
            an_idle_connection_drains_one_more_call_after_shutdown,
            slow_connections_are_evicted_for_callers,
            unix_socket_round_trip,
            tls_with_a_self_signed_certificate,
            calls_go_through_an_http_proxy,
            a_stale_unix_socket_file_is_replaced,
            scgi_round_trip,
            scgi_hostile_request_is_refused,
            rtorrent_over_scgi,
            nginx_scgi_pass_to_our_server,
            interceptor_inserts_an_api_key_in_the_struct,
            interceptor_relogins_once_after_a_fault,
        );
    };
    (@tests $adapter:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::suite::$name::<$adapter>();
            }
        )*
    };
}

/// Expands to one `#[test]` per shared suite test that applies to a
/// server whose connections a web framework keeps (`transport-hyper`):
/// every call, limit, status, auth, budget, body deadline and shutdown
/// test. [`adapter_suite!`] adds the rest, which are the HTTP server's and
/// the client's, not the service's: our own 408 on a slow head (hyper
/// closes silently), eviction at the connection cap, the idle drain window
/// after shutdown; unix sockets, TLS, SCGI and proxies.
#[macro_export]
macro_rules! server_half_suite {
    ($adapter:ty) => {
        $crate::adapter_suite!(@tests $adapter;
            every_value_type_round_trips,
            typed_call_maps_through_serde,
            raw_call_returns_the_body,
            multicall_answers_each_entry,
            introspection_lists_methods,
            faults_keep_their_codes,
            keep_alive_reuses_the_connection,
            custom_headers_reach_the_handler,
            basic_auth_from_the_url,
            idle_connection_closes_and_the_client_recovers,
            many_concurrent_clients,
            one_client_shared_by_threads,
            slow_handler_blocks_no_one,
            inline_handler_answers,
            body_over_the_limit_gets_413,
            declared_length_over_the_limit_gets_413,
            nesting_over_the_limit_is_refused,
            multicall_over_the_cap_is_refused,
            too_many_headers_get_431,
            head_over_the_limit_gets_431,
            decoder_limits_name_themselves,
            response_over_the_client_limit_fails,
            client_timeout_fires,
            server_body_deadline_fires,
            graceful_shutdown_loses_no_call,
            shutdown_under_load_answers_every_handled_call,
            shutdown_grace_is_bounded,
            connection_cap_is_enforced,
            bodies_over_the_budget_get_503_and_small_calls_still_answer,
            peer_closing_mid_body,
            garbage_gets_400,
            raw_request_is_answered,
            the_same_failure_is_the_same_error,
            a_client_that_keeps_writing_reads_the_413,
            a_stale_pooled_connection_is_retried_exactly_once,
            interceptor_inserts_a_token_first,
            per_call_headers_reach_the_server,
        );
    };
}

/// Expands to one `#[test]` per interop check against Python's `xmlrpc`
/// for adapter `$adapter`. Each test prints a reason and passes only when
/// python3 is missing.
#[macro_export]
macro_rules! interop_suite {
    ($adapter:ty) => {
        $crate::interop_suite!(@tests $adapter;
            python_client_calls_our_server,
            our_client_calls_python_server,
        );
        $crate::interop_suite!(@deployments $adapter;
            python_tls_server_requires_a_client_certificate,
            python_cookie_session_is_kept,
        );
    };
    (@tests $adapter:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::interop::$name::<$adapter>();
            }
        )*
    };
    (@deployments $adapter:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::deployments::$name::<$adapter>();
            }
        )*
    };
}
