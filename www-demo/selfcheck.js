// The self-check page's script (ES5, like the legacy page): runs
// RtVideo.preflight with the query's options and shows the report.
var lastReport = null;

var NAMES = {
  engine: '浏览器 Browser',
  config: '选项 Options',
  page: '页面 Page',
  localNetwork: '本地网络权限 Local network',
  tabs: '标签页 Tabs',
  push: '推送通道 Push channel',
  video: '视频服务 Video service',
  state: '调度服务 Dispatch service',
  exe: '视频客户端 Video client'
};

function param(name, fallback) {
  var m = new RegExp('[?&]' + name + '=([^&]*)').exec(window.location.search);
  return m ? decodeURIComponent(m[1].replace(/\+/g, ' ')) : fallback;
}

function optionsFromQuery() {
  var options = { systemCode: param('systemCode', 'DEMO'), account: param('account', 'a1') };
  if (param('profile', '') || !param('sseServerUrl', '')) options.profile = param('profile', 'dev');
  var extra = ['sseServerUrl', 'videoServiceUrl', 'stateServiceUrl', 'exeUrl', 'token'];
  for (var i = 0; i < extra.length; i++) {
    if (param(extra[i], '')) options[extra[i]] = param(extra[i], '');
  }
  return options;
}

function cell(row, text, className) {
  var td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function show(report) {
  lastReport = report;
  var rows = document.getElementById('rows');
  rows.textContent = '';
  for (var i = 0; i < report.checks.length; i++) {
    var c = report.checks[i];
    var tr = document.createElement('tr');
    tr.setAttribute('data-check', c.check);
    cell(tr, NAMES[c.check] || c.check);
    cell(tr, c.ok ? '✔ 正常' : '✘ ' + c.code, c.ok ? 'ok' : 'bad');
    cell(tr, c.detail);
    var advice = cell(tr, c.advice.zh);
    if (c.advice.en) {
      var en = document.createElement('small');
      en.textContent = c.advice.en;
      advice.appendChild(en);
    }
    rows.appendChild(tr);
  }
  document.getElementById('summary').textContent = report.ok
    ? '全部正常 All checks passed (' + report.version + ')'
    : '发现问题，请按建议处理，或下载报告附在工单里 Something needs attention: follow the advice, or attach the report to a ticket';
  document.getElementById('save').disabled = false;
  document.getElementById('again').disabled = false;
}

function runCheck() {
  document.getElementById('again').disabled = true;
  document.getElementById('summary').textContent = '检查中… Checking…';
  var run = RtVideo.preflight(optionsFromQuery());
  if (!run) {
    // No Promise here (the IE engine): nothing can be checked but that.
    document.getElementById('summary').textContent =
      '当前浏览器无法运行坐席 SDK：请切换到极速模式，或使用 Chrome / Edge。This browser cannot run the agent SDK: switch to the fast mode, or use Chrome / Edge.';
    return;
  }
  run.then(show);
}

function saveReport() {
  if (!lastReport) return;
  var blob = new Blob([JSON.stringify(lastReport, null, 2)], { type: 'application/json' });
  var a = document.createElement('a');
  var stamp = lastReport.at.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  a.href = URL.createObjectURL(blob);
  a.download = 'rtvideo-selfcheck-' + param('account', 'a1') + '-' + stamp + '.json';
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  setTimeout(function () {
    URL.revokeObjectURL(a.href);
  }, 0);
}
