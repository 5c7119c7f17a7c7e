import { MoreHorizontal } from 'lucide-react';
import type { ComponentProps } from 'react';
import { Button } from '@/components/ui/button';

/** The "…" button of a conversation row: the menu's trigger, and its stand-in until the menu has loaded. */
export function MenuButton({ label, ...props }: ComponentProps<typeof Button> & { label: string }) {
  return (
    <Button variant="ghost" size="icon" className="shrink-0" aria-label={label} {...props}>
      <MoreHorizontal aria-hidden />
    </Button>
  );
}
