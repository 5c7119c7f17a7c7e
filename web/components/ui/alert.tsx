import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

/** A message box; `role="alert"` makes screen readers announce it when it appears. */
export function Alert({ className, variant = 'default', ...props }: ComponentProps<'div'> & { variant?: 'default' | 'destructive' }) {
  return (
    <div
      role="alert"
      className={cn(
        'relative w-full rounded-lg border p-4 text-sm',
        variant === 'destructive' ? 'border-destructive/50 bg-destructive/10 text-red-800 dark:border-destructive dark:text-red-200' : 'bg-background text-foreground',
        className,
      )}
      {...props}
    />
  );
}
