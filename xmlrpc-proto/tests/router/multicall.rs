//! `system.multicall` through `dispatch`.

use super::*;
use xmlrpc_proto::service::MulticallAnswer;

#[test]
fn multicall_mixes_results_and_faults_in_order() {
    let router = router();
    let calls = array(vec![
        entry("sum", vec![Value::Int(1), Value::Int(2)]),
        entry("nope", vec![]),
        entry("fail", vec![]),
        entry("boom", vec![]),
        entry("sum", vec![s("x")]),
        entry("system.methodHelp", vec![s("sum")]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    assert_eq!(got.len(), 6);
    assert_eq!(got[0], array(vec![Value::Int(3)]));
    let code = |v: &Value| v.as_struct().and_then(|s| s.get("faultCode")).cloned();
    let text = |v: &Value| {
        v.as_struct()
            .and_then(|s| s.get("faultString"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    assert_eq!(
        code(&got[1]),
        Some(Value::Int(fault_code::METHOD_NOT_FOUND))
    );
    assert_eq!(code(&got[2]), Some(Value::Int(42)));
    assert_eq!(text(&got[2]).as_deref(), Some("application says no"));
    assert_eq!(code(&got[3]), Some(Value::Int(fault_code::INTERNAL_ERROR)));
    assert_eq!(code(&got[4]), Some(Value::Int(fault_code::INVALID_PARAMS)));
    assert_eq!(got[5], array(vec![s("Adds ints.")]));
}

#[test]
fn multicall_malformed_entries_fault_alone() {
    let router = router();
    let mut no_name = Struct::new();
    no_name.insert("params", array(vec![]));
    let mut bad_name = Struct::new();
    bad_name.insert("methodName", Value::Int(1));
    bad_name.insert("params", array(vec![]));
    let mut bad_params = Struct::new();
    bad_params.insert("methodName", s("sum"));
    bad_params.insert("params", Value::Int(1));
    let mut no_params = Struct::new();
    no_params.insert("methodName", s("sum"));
    let calls = array(vec![
        Value::Int(5),
        Value::Struct(no_name),
        Value::Struct(bad_name),
        Value::Struct(bad_params),
        Value::Struct(no_params),
        entry("sum", vec![Value::Int(9)]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    let expected = [
        "expected struct, found int",
        "methodName: missing",
        "methodName: expected string, found int",
        "params of sum: expected array, found int",
        "params of sum: missing",
    ];
    for (value, text) in got.iter().zip(expected) {
        let fault = value.as_struct().expect("a fault struct");
        assert_eq!(
            fault.get("faultCode"),
            Some(&Value::Int(fault_code::INVALID_XMLRPC))
        );
        let message = fault
            .get("faultString")
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(message.contains(text), "{message:?} lacks {text:?}");
    }
    assert_eq!(got[5], array(vec![Value::Int(9)]));
}

#[test]
fn multicall_refuses_nesting_per_entry() {
    let router = router();
    let inner = array(vec![entry("sum", vec![Value::Int(1)])]);
    let calls = array(vec![
        entry("system.multicall", vec![inner]),
        entry("sum", vec![Value::Int(4)]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    let nested = got[0].as_struct().expect("fault struct");
    assert_eq!(
        nested.get("faultCode"),
        Some(&Value::Int(fault_code::INVALID_XMLRPC))
    );
    assert_eq!(got[1], array(vec![Value::Int(4)]));
}

#[test]
fn multicall_cap_refuses_the_whole_batch() {
    let ran = Arc::new(AtomicUsize::new(0));
    let mut router = Router::new();
    let counter = ran.clone();
    router.register_raw("count", move |_p: Vec<Value>| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok::<_, Fault>(Value::Nil)
    });
    router.set_system_methods(SystemMethods {
        max_multicall_entries: 3,
        ..SystemMethods::all()
    });
    let calls = |n| array(vec![entry("count", vec![]); n]);
    let got = ok(run(&router, "system.multicall", vec![calls(3)]));
    assert_eq!(got.as_array().map(|a| a.len()), Some(3));
    let f = fault(run(&router, "system.multicall", vec![calls(4)]));
    assert_eq!(f.code, fault_code::INVALID_XMLRPC);
    assert!(f.message.contains("max_multicall_entries"), "{}", f.message);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        3,
        "nothing of the refused batch ran"
    );
}

#[test]
fn multicall_default_cap_is_1000() {
    let router = router();
    assert_eq!(router.system_methods().max_multicall_entries, 1000);
    let calls = array(vec![entry("nope", vec![]); 1001]);
    let f = fault(run(&router, "system.multicall", vec![calls]));
    assert!(f.message.contains("1001 calls"), "{}", f.message);
}

#[test]
fn multicall_params_are_checked() {
    let router = router();
    let f = fault(run(&router, "system.multicall", vec![]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    let f = fault(run(&router, "system.multicall", vec![s("x")]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(
        f.message.contains("expected array, found string"),
        "{}",
        f.message
    );
    let f = fault(run(
        &router,
        "system.multicall",
        vec![array(vec![]), array(vec![])],
    ));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert_eq!(
        ok(run(&router, "system.multicall", vec![array(vec![])])),
        array(vec![])
    );
}

/// The jobs of a multicall, routed.
fn jobs_of(router: &Router, calls: Vec<Value>) -> (Vec<Dispatch>, MulticallAnswer) {
    match router.dispatch(
        MethodCall::new("system.multicall", vec![array(calls)]),
        Context::default(),
    ) {
        Dispatch::Multicall(multicall) => multicall.into_jobs(),
        other => panic!("expected multicall jobs, got {other:?}"),
    }
}

#[test]
fn multicall_becomes_one_job_per_entry_of_its_own_kind() {
    let mut router = router();
    router
        .register_raw("slow", |p: Vec<Value>| -> Result<Value, Fault> {
            Ok(Value::Int(p.len() as i32))
        })
        .blocking();
    let (jobs, answer) = jobs_of(
        &router,
        vec![
            entry("nope", vec![]),
            entry("system.listMethods", vec![]),
            entry("sum", vec![Value::Int(1)]),
            entry("later", vec![Value::Int(2)]),
            entry("boom", vec![]),
            entry("slow", vec![Value::Nil]),
        ],
    );
    let kinds: Vec<&str> = jobs
        .iter()
        .map(|job| match job {
            Dispatch::Ready(_) => "ready",
            Dispatch::Blocking(_) => "blocking",
            Dispatch::Async(_) => "async",
            Dispatch::Multicall(_) => "multicall",
        })
        .collect();
    // A sync handler ran inline while routing (its panic a fault); one
    // marked blocking is work for the adapter's pool, an async one a future
    // for its runtime: the core runs neither of those itself.
    assert_eq!(
        kinds,
        ["ready", "ready", "ready", "async", "ready", "blocking"]
    );
    let answers = jobs.into_iter().map(run_job).collect();
    let got = ok(answer.finish(answers));
    let got = got.as_array().expect("array");
    let code = |v: &Value| v.as_struct().and_then(|s| s.get("faultCode")).cloned();
    assert_eq!(
        code(&got[0]),
        Some(Value::Int(fault_code::METHOD_NOT_FOUND))
    );
    assert_eq!(got[2], array(vec![Value::Int(1)]));
    assert_eq!(got[3], array(vec![array(vec![Value::Int(2)])]));
    assert_eq!(code(&got[4]), Some(Value::Int(fault_code::INTERNAL_ERROR)));
    assert_eq!(got[5], array(vec![Value::Int(1)]));
}

#[test]
fn multicall_answers_keep_entry_order_whatever_order_jobs_finish() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context as Cx, Poll};

    /// Pending on the first poll (waking itself from another thread).
    struct YieldOnce(bool);
    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Cx<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            let waker = cx.waker().clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                waker.wake();
            });
            Poll::Pending
        }
    }

    let mut router = router();
    router.register_raw_async("slow", |params: Vec<Value>, _ctx: Context| async move {
        YieldOnce(false).await;
        Ok::<_, Fault>(array(params))
    });
    let (jobs, answer) = jobs_of(
        &router,
        vec![
            entry("slow", vec![Value::Int(7)]),
            entry("sum", vec![Value::Int(1)]),
        ],
    );
    // Run them as an adapter would: concurrently, the sync one finishing first.
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| std::thread::spawn(move || run_job(job)))
        .collect();
    let answers = handles
        .into_iter()
        .map(|h| h.join().expect("job thread"))
        .collect();
    let got = ok(answer.finish(answers));
    let got = got.as_array().expect("array");
    assert_eq!(got[0], array(vec![array(vec![Value::Int(7)])]));
    assert_eq!(got[1], array(vec![Value::Int(1)]));
}

#[test]
fn a_missing_job_answer_faults_that_entry_only() {
    let router = router();
    let (jobs, answer) = jobs_of(
        &router,
        vec![entry("sum", vec![Value::Int(1)]), entry("sum", vec![])],
    );
    let first = jobs.into_iter().next().map(run_job).expect("a job");
    let got = ok(answer.finish(vec![first]));
    let got = got.as_array().expect("array");
    assert_eq!(got[0], array(vec![Value::Int(1)]));
    let code = got[1].as_struct().and_then(|s| s.get("faultCode"));
    assert_eq!(code, Some(&Value::Int(fault_code::INTERNAL_ERROR)));
}
