'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Button } from '@/components/ui/button';
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
        <ConfirmDialog
          title={t('account.deleteAll')}
          body={t('account.deleteAllBody')}
          confirmLabel={t('account.deleteAllConfirm')}
          onConfirm={() => wipe.mutate()}
          onClose={() => setConfirming(false)}
          pending={wipe.isPending}
          error={wipe.error ? toDisplayError(wipe.error) : null}
        />
      )}
    </div>
  );
}
