import type { Locale } from '@/lib/i18n/locales';

/** A policy as sections of paragraphs, in each language the app speaks. */
export type LegalDocument = { effective: string; sections: { title: string; body: string[] }[] };

export type LegalKind = 'terms' | 'privacy';

const EFFECTIVE = '2026-12-01T12:00:00Z';

export const LEGAL: Record<LegalKind, Record<Locale, LegalDocument>> = {
  terms: {
    ko: {
      effective: EFFECTIVE,
      sections: [
        { title: '1. 서비스', body: ['엣지 챗은 AI 모델의 답변을 스트리밍하는 대화 서비스입니다. 카카오 계정으로 로그인해 이용합니다.'] },
        {
          title: '2. 요금제와 한도',
          body: [
            '요금제마다 하루와 한 달에 쓸 수 있는 토큰, 답변당 최대 토큰, 동시에 받을 수 있는 답변 수가 정해져 있습니다. 한도를 다 쓰면 초기화될 때까지 새 답변을 받을 수 없습니다.',
            '유료 요금제는 한 달 이용권 또는 매월 자동 결제 구독으로 구매합니다. 구독은 언제든 해지할 수 있고, 해지해도 결제한 기간이 끝날 때까지 이용할 수 있습니다.',
          ],
        },
        {
          title: '3. 이용 제한',
          body: ['법령을 어기거나 다른 사람의 권리를 침해하는 데 서비스를 쓰면 계정이 정지될 수 있습니다. 정지된 계정은 새 답변을 받을 수 없습니다.'],
        },
        { title: '4. AI 답변', body: ['AI의 답변은 틀릴 수 있습니다. 중요한 결정에는 답변을 그대로 믿지 말고 확인해 주세요.'] },
        { title: '5. 문의', body: ['문의할 때는 화면에 표시된 추적 ID를 함께 알려 주시면 빠르게 확인할 수 있습니다.'] },
      ],
    },
    en: {
      effective: EFFECTIVE,
      sections: [
        { title: '1. The service', body: ['Edge Chat is a conversation service that streams the answers of AI models. You sign in with a Kakao account.'] },
        {
          title: '2. Plans and limits',
          body: [
            'Each plan sets the tokens you can use per day and per month, the most tokens per answer and how many answers can stream at once. Once a limit is used up, new answers wait until it resets.',
            'Paid plans are bought as a one-month pass or as a monthly subscription. You can cancel a subscription at any time and keep the plan until the paid period ends.',
          ],
        },
        { title: '3. Restrictions', body: ['Using the service to break the law or infringe the rights of others can get an account suspended. A suspended account cannot get new answers.'] },
        { title: '4. AI answers', body: ['Answers from AI can be wrong. Check them before you rely on them for anything important.'] },
        { title: '5. Contact', body: ['When you contact us, quote the trace id shown on the screen so we can find what happened quickly.'] },
      ],
    },
  },
  privacy: {
    ko: {
      effective: EFFECTIVE,
      sections: [
        { title: '1. 모으는 정보', body: ['카카오 계정의 식별자, 이름과 이메일(동의한 경우), 보낸 메시지와 받은 답변, 사용한 토큰 수, 결제 기록을 저장합니다.'] },
        { title: '2. 쓰는 목적', body: ['대화를 보여 주고, 요금제 한도를 계산하고, 결제를 처리하고, 장애와 남용을 조사하는 데만 씁니다.'] },
        { title: '3. 맡기는 곳', body: ['답변 생성을 위해 메시지를 AI 제공자(OpenAI)에 보내고, 결제는 토스페이먼츠가 처리합니다. 카드 번호는 저장하지 않습니다.'] },
        { title: '4. 보관과 삭제', body: ['대화는 직접 삭제할 수 있습니다. 탈퇴하면 대화와 개인정보를 지우고, 법령이 정한 결제 기록만 정해진 기간 동안 보관합니다.'] },
        { title: '5. 쿠키', body: ['로그인 세션과 언어·테마 설정에만 쿠키를 씁니다. 광고나 추적용 쿠키는 쓰지 않습니다.'] },
      ],
    },
    en: {
      effective: EFFECTIVE,
      sections: [
        { title: '1. What we keep', body: ['Your Kakao account identifier, name and email (if you agreed to share them), the messages you send and the answers you get, the tokens you used and your payment records.'] },
        { title: '2. Why', body: ['Only to show your conversations, count your plan limits, process payments, and investigate outages and abuse.'] },
        { title: '3. Who else handles it', body: ['Messages go to the AI provider (OpenAI) to generate answers; payments are processed by Toss Payments. We never store card numbers.'] },
        { title: '4. Keeping and deleting', body: ['You can delete conversations yourself. When you leave, we delete your conversations and personal data and keep only the payment records the law requires, for as long as it requires.'] },
        { title: '5. Cookies', body: ['Cookies hold only your sign-in session and your language and theme. No advertising or tracking cookies.'] },
      ],
    },
  },
};
