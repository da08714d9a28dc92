// Chinese (and English) wording for states, roles, push codes and customer fields.

export const STATE_LABELS = {
  disconnected: ['未连接', 'disconnected'],
  ready: ['空闲', 'ready'],
  leave: ['小休', 'leave'],
  wait: ['振铃中', 'wait'],
  busy: ['通话中', 'busy'],
};

export function stateLabel(state) {
  return STATE_LABELS[state] || [String(state), ''];
}

export const ROLE_LABELS = {
  owner: ['主持坐席', 'owner'],
  participant: ['三方参与', 'participant'],
};

/** What each push code means to the agent (VideoControlCode values). */
export const MSG_TEXT = {
  50200: '客户来电',
  30000: '会话已自动结束',
  30017: '客户已挂断',
  30019: '客户已离线',
  30025: '会话已结束',
  20100: '同事请求转接通话',
  20101: '对方已接受转接',
  20102: '对方拒绝了转接',
  20103: '对方已取消转接',
  50201: '已接管转接的通话',
  20200: '同事邀请您加入三方通话',
  20201: '对方已加入三方通话',
  20202: '对方拒绝加入三方通话',
  20203: '第三方已离开通话',
  20204: '对方已取消三方邀请',
  50202: '已加入三方通话',
  50203: '录像已生成',
  50204: '图片已生成',
};

export function msgText(msgType) {
  return MSG_TEXT[msgType] || `消息 ${msgType}`;
}

/** Labels of well-known customer fields; other fields are shown by their key. */
export const CUSTOMER_FIELDS = {
  name: '姓名',
  customerName: '姓名',
  phone: '电话',
  mobile: '手机',
  tel: '电话',
  idNo: '证件号',
  idCard: '证件号',
  policyNo: '保单号',
  policyNumber: '保单号',
  claimNo: '报案号',
  claimNumber: '报案号',
  reportNo: '报案号',
  caseNo: '案件号',
  plateNo: '车牌号',
  licensePlate: '车牌号',
  business: '业务',
  businessType: '业务类型',
  remark: '备注',
};

/** [label, value] pairs of a customer object, well-known fields first. */
export function customerRows(customer) {
  if (!customer || typeof customer !== 'object') return [];
  const keys = Object.keys(customer);
  const known = Object.keys(CUSTOMER_FIELDS).filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !(k in CUSTOMER_FIELDS));
  return [...known, ...rest].map((k) => [CUSTOMER_FIELDS[k] || k, formatValue(customer[k])]);
}

function formatValue(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The customer's display name, if any. */
export function customerName(customer) {
  if (!customer || typeof customer !== 'object') return '';
  return String(customer.name || customer.customerName || '');
}
