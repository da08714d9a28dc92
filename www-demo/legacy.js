// The legacy page's script, in the style of pages written for the original
// JS package (ES5, a global `init` called from <body onload>, window.RtVideo).
var rtVideo = null;
var currentSid = '';

function param(name, fallback) {
  var m = new RegExp('[?&]' + name + '=([^&]*)').exec(window.location.search);
  return m ? decodeURIComponent(m[1].replace(/\+/g, ' ')) : fallback;
}

function log(text) {
  var el = document.getElementById('log');
  var now = new Date();
  el.textContent = now.toTimeString().slice(0, 8) + ' ' + text + '\n' + el.textContent;
}

function refresh() {
  var Consts = RtVideo.Consts;
  var state = rtVideo ? rtVideo.state() : Consts.ServiceFsmState.DISCONNECTED;
  document.getElementById('state').textContent = state;
  document.getElementById('sid').textContent = currentSid;
  document.getElementById('answer').disabled = !(state === Consts.ServiceFsmState.WAIT && currentSid);
  document.getElementById('hangup').disabled = state !== Consts.ServiceFsmState.BUSY;
}

function init() {
  var Consts = RtVideo.Consts;
  var options = {
    systemCode: param('systemCode', 'DEMO'),
    account: param('account', 'a1'),
    profile: param('profile', 'dev')
  };
  // Optional overrides (a platform on another address, the tests' simulator).
  var extra = ['sseServerUrl', 'videoServiceUrl', 'stateServiceUrl', 'exeUrl', 'token'];
  for (var i = 0; i < extra.length; i++) {
    if (param(extra[i], '')) options[extra[i]] = param(extra[i], '');
  }
  document.getElementById('account').textContent = options.account;

  rtVideo = new RtVideo(options, {
    next: function (event) {
      var data = event.data || {};
      log(event.type + ' ' + (data.sid || data.state || data.code || ''));
      switch (event.type) {
        case Consts.VideoEventType.INCOMING_CALL:
          currentSid = data.sid;
          break;
        case Consts.VideoEventType.RECOVERY_CALL:
          currentSid = data.sid;
          break;
        case Consts.VideoEventType.INCOMING_CALL_HANGUP:
          if (data.msgType === Consts.VideoControlCode.USER_INTERRUPT) log('客户已挂断');
          currentSid = '';
          break;
        case Consts.VideoEventType.STATE_CHANGE:
          if (data.state === Consts.ServiceFsmState.READY) currentSid = '';
          break;
        case Consts.VideoEventType.HTTP_BACK:
          log('操作失败: ' + data.msg);
          break;
        default:
          break;
      }
      refresh();
    },
    error: function (err) {
      log('ERROR ' + err.code + ' ' + err.msg);
    },
    complete: function () {
      log('complete');
      refresh();
    }
  });

  document.getElementById('answer').onclick = function () {
    rtVideo.answer(currentSid).then(function () { log('answer ok'); }, function (e) { log('answer failed ' + e.code + ' ' + e.msg); });
  };
  document.getElementById('hangup').onclick = function () {
    rtVideo.hangUp(currentSid).then(function () { log('hangUp ok'); }, function (e) { log('hangUp failed ' + e.code + ' ' + e.msg); });
  };
  refresh();
}
