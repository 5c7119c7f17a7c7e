const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value that reaches a page goes through this: query parameters are attacker-controlled. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

export function formatKrw(amount: number): string {
  return `${new Intl.NumberFormat('ko-KR').format(amount)}원`;
}

/** A complete page; `body` must already be escaped markup. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; color: #191f28; }
  .badge { display: inline-block; font-size: .75rem; background: #fff3cd; padding: .1rem .4rem; border-radius: .25rem; }
  fieldset { border: 1px solid #d1d6db; border-radius: .5rem; margin: 1rem 0; }
  label { display: block; padding: .35rem 0; }
  .actions { display: flex; gap: .5rem; }
  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: .5rem; border: 1px solid #3182f6; }
  button[value="pay"], button[value="register"] { background: #3182f6; color: #fff; }
  button[value="cancel"] { background: #fff; color: #3182f6; }
  [role="alert"] { color: #c0392b; }
</style>
</head>
<body>
<main>
<p class="badge">테스트 환경 (가짜 토스페이먼츠)</p>
${body}
</main>
</body>
</html>
`;
}
