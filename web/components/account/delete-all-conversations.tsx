'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';

/** Deletes every conversation of the account in one step, after a confirmation. */
export function DeleteAllConversations() {
  const t = useT();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const wipe = useMutation({
    mutationFn: api.deleteAllConversations,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: ['conversations'] });
      queryClient.removeQueries({ queryKey: ['conversation'] });
    },
  });
  return (
    <div className="space-y-2">
      <Button variant="outline" className="text-destructive" onClick={() => setConfirming(true)}>
        <Trash2 aria-hidden />
        {t('account.deleteAll')}
      </Button>
      {wipe.data && (
        <p role="status" className="text-sm text-muted-foreground">
          {t('account.deletedAll', { count: wipe.data.deleted })}
        </p>
      )}
      {confirming && (
        <Dialog open onOpenChange={(open) => !open && setConfirming(false)}>
          <DialogContent closeLabel={t('chat.cancel')}>
            <DialogHeader>
              <DialogTitle>{t('account.deleteAll')}</DialogTitle>
              <DialogDescription>{t('account.deleteAllBody')}</DialogDescription>
            </DialogHeader>
            {wipe.error && <ErrorMessage error={toDisplayError(wipe.error)} />}
            <DialogFooter>
              <Button type="button" variant="ghost" onClick={() => setConfirming(false)}>
                {t('chat.cancel')}
              </Button>
              <Button type="button" variant="destructive" disabled={wipe.isPending} onClick={() => wipe.mutate()}>
                {t('account.deleteAllConfirm')}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      )}
    </div>
  );
}
