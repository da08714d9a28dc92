//! HTTP_BACK texts (SPEC §2 "HTTP_BACK codes and texts", §1 business
//! failures): a command reply with a non-zero envelope code and no usable
//! `msg` gives the page the original Chinese text, in the HTTP_BACK event and
//! in the `{code: <number>, msg}` rejection; a server text is kept as is.

mod common;
use common::{Json, JsonExt, Output, H};
use rtv_core::{EventType, Method, State};

/// SPEC §2, copied here on purpose (not read from the core's table).
const SPEC_TEXTS: [(i64, &str); 13] = [
    (100025, "操作失败,该会话已经结束"),
    (200001, "操作失败,服务受理失败"),
    (200002, "操作失败,服务受理超时"),
    (300001, "操作失败,从调度系统获取坐席失败"),
    (300002, "操作失败,向调度系统拒接任务失败"),
    (300003, "操作失败,坐席忙线"),
    (400001, "操作失败,正在切换坐席中"),
    (400002, "操作失败,不能切换给自己"),
    (400003, "操作失败,正在等待被切换方应答"),
    (400004, "操作失败(未启用)"),
    (400005, "操作失败,对方已受理切换请求取消失败"),
    (400006, "操作失败,受理超时或被请求方取消"),
    (500001, "操作失败"),
];

/// Busy on S-1, `askChangePerson` answered with `body`: returns the
/// outputs of that reply (logs left out) and the promise's result.
fn ask_answered_with(body: &str) -> (H, Vec<Output>, Option<Result<Json, Json>>) {
    let mut h = H::busy("S-1");
    let c = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.take();
    h.reply_http("change/ask", body);
    let out = h.take_quiet();
    let settled = h.settled(c);
    (h, out, settled)
}

/// Exactly one HTTP_BACK `{op, sid, code, msg}` and the numeric rejection
/// `{code, msg}` with the same text; nothing through `error`; no state change.
fn assert_http_back(body: &str, code: i64, text: &str) {
    let (h, out, settled) = ask_answered_with(body);
    let back = Json::obj([
        ("op", Json::str("change/ask")),
        ("sid", Json::str("S-1")),
        ("code", Json::num(code as f64)),
        ("msg", Json::str(text)),
    ]);
    let rejection = Json::obj([("code", Json::num(code as f64)), ("msg", Json::str(text))]);
    assert_eq!(
        out.len(),
        2,
        "{body}: one event and one settlement: {out:#?}"
    );
    assert_eq!(
        out[0],
        Output::Event {
            kind: EventType::HttpBack,
            data: back
        },
        "{body}"
    );
    assert!(matches!(out[1], Output::Settle { .. }), "{body}: {out:#?}");
    assert_eq!(settled, Some(Err(rejection)), "{body}");
    assert!(h.errors().is_empty(), "{body}: {:?}", h.errors());
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn every_spec_code_with_an_empty_msg_gets_the_spec_text() {
    for (code, text) in SPEC_TEXTS {
        assert_http_back(
            &format!(r#"{{"code":{code},"msg":"","data":null}}"#),
            code,
            text,
        );
    }
}

#[test]
fn every_spec_code_without_msg_gets_the_spec_text() {
    for (code, text) in SPEC_TEXTS {
        assert_http_back(&format!(r#"{{"code":{code},"data":null}}"#), code, text);
        assert_http_back(&format!(r#"{{"code":{code}}}"#), code, text);
    }
}

#[test]
fn a_null_msg_counts_as_none() {
    assert_http_back(
        r#"{"code":400003,"msg":null,"data":null}"#,
        400003,
        "操作失败,正在等待被切换方应答",
    );
}

#[test]
fn a_code_outside_the_table_falls_back_to_the_generic_text() {
    // Pinned behaviour (consts.rs `http_back_text`): the generic "操作失败",
    // the same text as 500001, for any code the table does not know,
    // including negative ones.
    for code in [1, 123456, 400007, 999999, -1] {
        assert_http_back(
            &format!(r#"{{"code":{code},"msg":"","data":null}}"#),
            code,
            "操作失败",
        );
        assert_http_back(&format!(r#"{{"code":{code}}}"#), code, "操作失败");
    }
}

#[test]
fn a_server_text_is_kept_as_is() {
    for (code, _) in SPEC_TEXTS {
        assert_http_back(
            &format!(r#"{{"code":{code},"msg":"会话 S-1 已被其他坐席处理","data":null}}"#),
            code,
            "会话 S-1 已被其他坐席处理",
        );
    }
    assert_http_back(r#"{"code":123456,"msg":"custom"}"#, 123456, "custom");
    // Whitespace is a text the server chose, not an absent one.
    assert_http_back(r#"{"code":300003,"msg":" "}"#, 300003, " ");
}

#[test]
fn presence_and_call_commands_use_the_table_too() {
    // `rest()` (agent/state on the dispatch service) and `answer` (video
    // service) go through the same envelope handling.
    let mut h = H::ready();
    let c = h.call(Method::Rest, "null");
    h.reply_http("agent/state", r#"{"code":200002,"msg":""}"#);
    assert_eq!(
        h.last_event(EventType::HttpBack),
        Some(
            Json::parse(
                r#"{"op":"agent/state","sid":null,"code":200002,"msg":"操作失败,服务受理超时"}"#
            )
            .unwrap()
        )
    );
    assert_eq!(
        h.settled(c),
        Some(Err(Json::parse(
            r#"{"code":200002,"msg":"操作失败,服务受理超时"}"#
        )
        .unwrap()))
    );
    assert_eq!(h.state(), State::Ready);

    let mut h = H::ready();
    h.push(50200, "S-7", common::INCOMING);
    let c = h.call(Method::Answer, "\"S-7\"");
    h.reply_http("call/answer", r#"{"code":100025}"#);
    assert_eq!(
        h.last_event(EventType::HttpBack),
        Some(
            Json::parse(
                r#"{"op":"call/answer","sid":"S-7","code":100025,"msg":"操作失败,该会话已经结束"}"#
            )
            .unwrap()
        )
    );
    assert_eq!(
        h.settled(c),
        Some(Err(Json::parse(
            r#"{"code":100025,"msg":"操作失败,该会话已经结束"}"#
        )
        .unwrap()))
    );
    assert_eq!(h.state(), State::Wait);
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}
