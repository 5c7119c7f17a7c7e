import { PRESET_USERS } from './store';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;background:#f7f7f7;margin:0;color:#191919}
main{max-width:440px;margin:40px auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 4px}.en{display:block;color:#666;font-size:12px;font-weight:400}
.app{color:#444;font-size:14px;margin:0 0 16px}ul{margin:0 0 16px;padding-left:20px;font-size:14px}
fieldset{border:1px solid #e5e5e5;border-radius:8px;margin:0 0 16px;padding:12px}
legend{font-size:14px;padding:0 4px}.choice{display:flex;gap:8px;align-items:baseline;margin:8px 0;font-size:15px}
.field{display:block;margin:8px 0 0 24px;font-size:14px}
.field input{display:block;width:100%;box-sizing:border-box;margin-top:4px;padding:8px;border:1px solid #ccc;border-radius:6px;font-size:14px}
.actions{display:flex;flex-direction:column;gap:8px}button{padding:12px;border:0;border-radius:8px;font-size:15px;cursor:pointer}
button[value=approve]{background:#fee500;color:#191919;font-weight:600}button[value=deny]{background:#eee;color:#191919}
button:focus-visible,input:focus-visible{outline:3px solid #3c1e1e;outline-offset:2px}
.alert{background:#fdecea;color:#8a1c1c;border-radius:6px;padding:8px 12px;font-size:14px}
.code{color:#8a1c1c;font-family:ui-monospace,monospace}.muted{color:#666;font-size:13px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Korean text with its English sub-label, as the page shows every label. */
function bilingual(ko: string, en: string): string {
  return `${escapeHtml(ko)} <span class="en" lang="en">${escapeHtml(en)}</span>`;
}

/** What the person picked or typed last time, so a form sent back with an error keeps it. */
export type ConsentChoice = { user: string; nickname: string; email: string; emailUnverified: boolean };

export type ConsentView = {
  /** The authorize parameters, carried through the form as hidden fields. */
  params: Readonly<Record<string, string>>;
  appName: string;
  choice?: ConsentChoice;
  error?: string;
};

// Typing into a custom field picks the custom radio, so "type a name, press approve" does what it looks like.
const PICK_CUSTOM_SCRIPT = `document.querySelectorAll('#custom-nickname,#custom-email,#custom-email-unverified').forEach(function(el){el.addEventListener('input',function(){document.getElementById('user-custom').checked=true;});});`;

/** The consent page: pick a preset test person or type one, then approve or deny. */
export function consentPage(view: ConsentView): string {
  const choice = view.choice ?? { user: 'minjun', nickname: '', email: '', emailUnverified: false };
  const checked = (key: string) => (choice.user === key ? ' checked' : '');
  const hidden = Object.entries(view.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const presets = Object.entries(PRESET_USERS)
    .map(([key, user]) => {
      const detail = user.email === null ? '이메일 제공 미동의 / email not shared' : user.emailVerified ? user.email : `${user.email} (미인증 / unverified)`;
      return `<div class="choice"><input type="radio" id="user-${escapeHtml(key)}" name="user" value="${escapeHtml(key)}"${checked(key)}><label for="user-${escapeHtml(key)}">${escapeHtml(user.nickname)} <span class="muted">${escapeHtml(detail)}</span></label></div>`;
    })
    .join('');
  const alert = view.error === undefined ? '' : `<p class="alert" role="alert">${escapeHtml(view.error)}</p>`;
  return page(
    '카카오계정으로 로그인 (fake)',
    `<h1>${bilingual('카카오계정으로 로그인', 'Log in with Kakao (local fake)')}</h1>
<p class="app">${bilingual(`${view.appName} 서비스가 다음 정보를 요청합니다`, `${view.appName} asks for the following`)}</p>
<ul><li>${bilingual('프로필 정보(닉네임/프로필 사진)', 'Profile (nickname, profile image)')}</li><li>${bilingual('카카오계정(이메일)', 'Kakao account (email)')}</li></ul>
${alert}<form method="post" action="/oauth/authorize/decision">${hidden}
<fieldset><legend>${bilingual('로그인할 테스트 사용자', 'Test user to sign in as')}</legend>${presets}
<div class="choice"><input type="radio" id="user-custom" name="user" value="custom"${checked('custom')}><label for="user-custom">${bilingual('직접 입력', 'Custom user')}</label></div>
<label class="field" for="custom-nickname">${bilingual('닉네임', 'Nickname')}<input type="text" id="custom-nickname" name="nickname" maxlength="40" autocomplete="off" value="${escapeHtml(choice.nickname)}"></label>
<label class="field" for="custom-email">${bilingual('이메일 (선택)', 'Email (optional)')}<input type="email" id="custom-email" name="email" maxlength="254" autocomplete="off" value="${escapeHtml(choice.email)}"></label>
<div class="choice"><input type="checkbox" id="custom-email-unverified" name="email_unverified" value="1"${choice.emailUnverified ? ' checked' : ''}><label for="custom-email-unverified">${bilingual('이메일 미인증', 'Email not verified')}</label></div>
</fieldset>
<div class="actions"><button type="submit" name="decision" value="approve">동의하고 계속하기 (Approve)</button><button type="submit" name="decision" value="deny">취소 (Deny)</button></div>
</form><script>${PICK_CUSTOM_SCRIPT}</script>`,
  );
}

/** Kakao shows errors in the authorize step as a page with a KOE code; it never redirects them. */
export function errorPage(code: string, ko: string, en: string): string {
  return page(
    `${code} 오류 (fake Kakao)`,
    `<h1>${bilingual('카카오 로그인 오류', 'Kakao login error')}</h1><p class="code">${escapeHtml(code)}</p><p role="alert">${bilingual(ko, en)}</p>`,
  );
}

/** The stand-in for Kakao's default profile picture, served by the fake so nothing leaves the machine. */
export const DEFAULT_PROFILE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="640" height="640"><rect width="64" height="64" fill="#fee500"/><circle cx="32" cy="25" r="11" fill="#3c1e1e"/><path d="M12 58c2-12 10-18 20-18s18 6 20 18z" fill="#3c1e1e"/></svg>`;
