'use client';

import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import type { DisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';

export type ConfirmDialogProps = {
  title: string;
  body: string;
  confirmLabel: string;
  /** What backing out is called ("Keep my subscription"); "Cancel" unless given. */
  cancelLabel?: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  /** While `pending`, the dialog cannot be closed: the outcome of what was confirmed is shown in it. */
  holdWhilePending?: boolean;
  error: DisplayError | null;
};

/**
 * Asks before something that cannot be undone: Cancel, or the destructive `confirmLabel`.
 * Mounted while it is asked (it is always open).
 *
 * @example {deleting && <ConfirmDialog title={…} body={…} confirmLabel={t('chat.delete')} onConfirm={…} onClose={() => setDeleting(false)} pending={del.isPending} error={null} />}
 */
export function ConfirmDialog({ title, body, confirmLabel, cancelLabel, onConfirm, onClose, pending, holdWhilePending = false, error }: ConfirmDialogProps) {
  const t = useT();
  const cancel = cancelLabel ?? t('chat.cancel');
  const held = holdWhilePending && pending;
  return (
    <Dialog open onOpenChange={(open) => !open && !held && onClose()}>
      <DialogContent closeLabel={cancel}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{body}</DialogDescription>
        </DialogHeader>
        {error && <ErrorMessage error={error} />}
        <DialogFooter>
          <Button type="button" variant="ghost" disabled={held} onClick={onClose}>
            {cancel}
          </Button>
          <Button type="button" variant="destructive" disabled={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
