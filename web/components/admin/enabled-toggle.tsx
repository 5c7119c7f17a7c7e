'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { FormError } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

/**
 * Whether a provider or model is in use, with the switch: enabling is one click, disabling
 * asks first (the next request of every user on it changes, and answers may fail).
 */
export function EnabledToggle({ enabled, confirmTitle, confirmBody, save, onSaved, testId }: {
  enabled: boolean;
  confirmTitle: string;
  confirmBody: string;
  save: (enabled: boolean) => Promise<unknown>;
  onSaved: () => void;
  testId: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const toggle = useMutation({
    mutationFn: save,
    onSuccess: () => {
      setAsking(false);
      onSaved();
    },
  });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <span data-testid={testId} className={cn('rounded-full px-2 py-0.5 text-xs font-medium', enabled ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100' : 'bg-muted text-muted-foreground')}>
        {enabled ? t('admin.enabled') : t('admin.disabled')}
      </span>
      <Button type="button" size="sm" variant={enabled ? 'outline' : 'secondary'} disabled={toggle.isPending} onClick={() => (enabled ? setAsking(true) : toggle.mutate(true))}>
        {enabled ? t('admin.disable') : t('admin.enable')}
      </Button>
      {!asking && <FormError error={toggle.error} className="w-full" />}
      {asking && (
        <ConfirmDialog
          title={confirmTitle}
          body={confirmBody}
          confirmLabel={t('admin.disable')}
          pending={toggle.isPending}
          error={toggle.error ? toDisplayError(toggle.error) : null}
          onConfirm={() => toggle.mutate(false)}
          onClose={() => {
            setAsking(false);
            toggle.reset();
          }}
        />
      )}
    </div>
  );
}
