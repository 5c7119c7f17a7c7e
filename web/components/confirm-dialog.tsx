'use client';

import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import type { DisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';

/** Asks before something that cannot be undone: Cancel, or the destructive `confirmLabel`. */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose, pending, error }: { title: string; body: string; confirmLabel: string; onConfirm: () => void; onClose: () => void; pending: boolean; error: DisplayError | null }) {
  const t = useT();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent closeLabel={t('chat.cancel')}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{body}</DialogDescription>
        </DialogHeader>
        {error && <ErrorMessage error={error} />}
        <DialogFooter>
          <Button type="button" variant="ghost" onClick={onClose}>
            {t('chat.cancel')}
          </Button>
          <Button type="button" variant="destructive" disabled={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
