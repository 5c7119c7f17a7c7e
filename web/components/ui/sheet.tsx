'use client';

import * as DialogPrimitive from '@radix-ui/react-dialog';
import { cva, type VariantProps } from 'class-variance-authority';
import { X } from 'lucide-react';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

export const Sheet = DialogPrimitive.Root;
export const SheetTrigger = DialogPrimitive.Trigger;
export const SheetClose = DialogPrimitive.Close;

const sheetVariants = cva(
  'fixed inset-y-0 z-50 flex w-[85vw] max-w-80 flex-col bg-background shadow-lg outline-none pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)]',
  {
    variants: {
      side: {
        left: 'left-0 border-r pl-[env(safe-area-inset-left)]',
        right: 'right-0 border-l pr-[env(safe-area-inset-right)]',
      },
    },
    defaultVariants: { side: 'left' },
  },
);

/**
 * A panel sliding in from one edge (the phone's drawer): a modal dialog, so focus is trapped
 * inside, Escape or the overlay closes it and focus returns to the trigger.
 */
export function SheetContent({
  side,
  className,
  children,
  closeLabel,
  ...props
}: ComponentProps<typeof DialogPrimitive.Content> & VariantProps<typeof sheetVariants> & { closeLabel: string }) {
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/60" />
      <DialogPrimitive.Content className={cn(sheetVariants({ side }), className)} {...props}>
        {children}
        <DialogPrimitive.Close className="absolute right-2 top-[calc(env(safe-area-inset-top)+0.5rem)] flex size-11 items-center justify-center rounded-md opacity-70 hover:opacity-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
          <X className="size-5" aria-hidden />
          <span className="sr-only">{closeLabel}</span>
        </DialogPrimitive.Close>
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

export function SheetTitle({ className, ...props }: ComponentProps<typeof DialogPrimitive.Title>) {
  return <DialogPrimitive.Title className={cn('text-base font-semibold', className)} {...props} />;
}

export function SheetDescription({ className, ...props }: ComponentProps<typeof DialogPrimitive.Description>) {
  return <DialogPrimitive.Description className={cn('sr-only', className)} {...props} />;
}
