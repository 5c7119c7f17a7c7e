import { PRESET_USERS } from './store';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;background:#f7f7f7;margin:0;color:#191919}
main{max-width:420px;margin:40px auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 4px} .sub{color:#666;font-size:13px;margin:0 0 20px}
fieldset{border:1px solid #e5e5e5;border-radius:8px;margin:0 0 16px;padding:12px}
legend{font-size:13px;color:#444;padding:0 4px} label{display:block;margin:6px 0;font-size:14px}
input[type=text],input[type=email]{width:100%;box-sizing:border-box;padding:8px;border:1px solid #ccc;border-radius:6px;font-size:14px}
.actions{display:flex;gap:8px} button{flex:1;padding:12px;border:0;border-radius:8px;font-size:15px;cursor:pointer}
button[value=approve]{background:#fee500;color:#191919;font-weight:600} button[value=deny]{background:#eee}
.error{color:#b00020} small{color:#777}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The consent page: pick or type a test person, then approve or deny. */
export function consentPage(params: Record<string, string>, appName: string): string {
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const presets = Object.entries(PRESET_USERS)
    .map(
      ([key, u], i) =>
        `<label for="user-${key}"><input type="radio" id="user-${key}" name="user" value="${key}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.nickname)} <small>${escapeHtml(u.email ?? '이메일 없음 / no email')}</small></label>`,
    )
    .join('');
  return page(
    '카카오계정으로 로그인 (fake)',
    `<h1>카카오계정으로 로그인</h1><p class="sub">Local fake Kakao · ${escapeHtml(appName)} 앱이 프로필과 이메일을 요청합니다 (profile and email)</p>
<form method="post" action="/oauth/authorize/decision">${hidden}
<fieldset><legend>테스트 사용자 / Test user</legend>${presets}
<label for="user-custom"><input type="radio" id="user-custom" name="user" value="custom"> 직접 입력 / Custom</label>
<label for="custom-nickname">닉네임 / Nickname <input type="text" id="custom-nickname" name="nickname" autocomplete="off"></label>
<label for="custom-email">이메일 / Email <input type="email" id="custom-email" name="email" autocomplete="off"></label>
</fieldset>
<div class="actions"><button type="submit" name="decision" value="deny">취소 (Deny)</button><button type="submit" name="decision" value="approve">동의하고 계속하기 (Approve)</button></div>
</form>`,
  );
}

/** Kakao's own error page style: a code and what went wrong, never a redirect. */
export function errorPage(code: string, message: string): string {
  return page('오류 (fake Kakao)', `<h1 class="error">${escapeHtml(code)}</h1><p>${escapeHtml(message)}</p>`);
}
