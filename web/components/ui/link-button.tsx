import type { VariantProps } from 'class-variance-authority';
import type { LucideIcon } from 'lucide-react';
import Link from 'next/link';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';
import { buttonVariants } from './button';

export type LinkButtonProps = ComponentProps<typeof Link> & VariantProps<typeof buttonVariants> & { icon?: LucideIcon };

/**
 * A link that looks like a button (the way to another page from an action row), with an
 * optional icon before its text, hidden from screen readers.
 *
 * @example <LinkButton href="/plans" size="sm" icon={Sparkles}>{t('chat.upgrade')}</LinkButton>
 */
export function LinkButton({ className, variant, size, icon: Icon, children, ...props }: LinkButtonProps) {
  return (
    <Link className={cn(buttonVariants({ variant, size, className }))} {...props}>
      {Icon && <Icon aria-hidden />}
      {children}
    </Link>
  );
}
