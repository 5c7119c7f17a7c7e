import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-2xl font-semibold">404</h1>
      <p lang="ko">페이지를 찾을 수 없습니다.</p>
      <p lang="en">This page does not exist.</p>
      <Link href="/" className="underline">
        Edge Chat
      </Link>
    </main>
  );
}
