import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

/**
 * The platform's own select, styled like the inputs: accessible and keyboard-friendly out of
 * the box, and no positioning library in the page's JavaScript.
 */
export function NativeSelect({ className, ...props }: ComponentProps<'select'>) {
  return (
    <select
      className={cn('h-11 max-w-full rounded-md md:h-9 border border-input bg-background px-2 text-base md:text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50', className)}
      {...props}
    />
  );
}
