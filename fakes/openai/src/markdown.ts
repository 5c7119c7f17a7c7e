/**
 * The answer of the `markdown` knob: a long, realistic Markdown reply (headings, lists, a
 * table, a quote, fenced code in two languages) so a UI can be seen and tested rendering
 * what a real model writes, not only a one-line echo.
 */
const DOCUMENT = `## 엣지에서 스트리밍하는 이유

사용자와 가까운 곳에서 답변을 보내면 **첫 토큰까지의 시간**이 줄어듭니다. 아래에 핵심만 정리했습니다.

### 장점

- 지연 시간: 가장 가까운 데이터 센터가 응답합니다
- 비용: 유휴 서버가 없고 요청만큼 냅니다
- 확장: 동시 스트림이 늘어도 설정이 그대로입니다

### 순서

1. 브라우저가 메시지를 보냅니다
2. BFF가 토큰을 붙여 Worker로 전달합니다
3. Worker가 OpenAI의 스트림을 그대로 흘려보냅니다

| 구간 | 목표 p50 | 목표 p99 |
| --- | ---: | ---: |
| 브라우저 → BFF | 20 ms | 80 ms |
| BFF → Worker | 5 ms | 20 ms |
| Worker → OpenAI | 300 ms | 900 ms |

> 스트림은 버퍼링 없이 전달해야 합니다. 중간에 모아 두면 사용자는 빈 화면을 보게 됩니다.

TypeScript로 이벤트를 읽는 예시입니다:

\`\`\`typescript
const res = await fetch('/api/ai/stream', { method: 'POST', body: JSON.stringify({ content }) });
const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  console.log(value);
}
\`\`\`

같은 일을 Python으로 하면 이렇습니다:

\`\`\`python
import httpx

with httpx.stream("POST", "http://localhost:3000/api/ai/stream", json={"content": "안녕"}) as res:
    for line in res.iter_lines():
        if line.startswith("data:"):
            print(line[5:].strip())
\`\`\`

### 정리

엣지 스트리밍은 \`TTFT\`를 줄이는 가장 쉬운 방법입니다. 다만 한 요청의 CPU 시간이 제한되므로, 토큰마다 하는 일을 최소로 유지해야 합니다. 큰 변환은 브라우저에서 하고, Worker는 바이트를 흘려보내는 데 집중하세요. 이렇게 하면 동시 스트림 수가 늘어도 지연 시간이 거의 변하지 않습니다.`;

/** The document as tokens: each one word with the whitespace (spaces, line breaks) before it. */
export function markdownTokens(): string[] {
  return DOCUMENT.match(/\s*\S+/g) ?? [];
}
