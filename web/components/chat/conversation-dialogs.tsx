'use client';

import type { FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import type { DisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';

type Common = { onClose: () => void; pending: boolean; error: DisplayError | null };

export function RenameDialog({ title, onTitleChange, onSubmit, onClose, pending, error }: Common & { title: string; onTitleChange: (title: string) => void; onSubmit: (e: FormEvent) => void }) {
  const t = useT();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent closeLabel={t('chat.cancel')}>
        <form onSubmit={onSubmit} className="space-y-4">
          <DialogHeader>
            <DialogTitle>{t('chat.renameTitle')}</DialogTitle>
          </DialogHeader>
          <div className="space-y-2">
            <Label htmlFor="rename-title">{t('chat.renameLabel')}</Label>
            <Input id="rename-title" value={title} maxLength={200} onChange={(e) => onTitleChange(e.target.value)} autoFocus />
          </div>
          {error && <ErrorMessage error={error} />}
          <DialogFooter>
            <Button type="button" variant="ghost" onClick={onClose}>
              {t('chat.cancel')}
            </Button>
            <Button type="submit" disabled={!title.trim() || pending}>
              {t('chat.save')}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function DeleteDialog({ title, onConfirm, onClose, pending, error }: Common & { title: string; onConfirm: () => void }) {
  const t = useT();
  return <ConfirmDialog title={t('chat.deleteTitle')} body={t('chat.deleteBody', { title })} confirmLabel={t('chat.delete')} onConfirm={onConfirm} onClose={onClose} pending={pending} error={error} />;
}
