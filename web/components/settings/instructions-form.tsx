'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ANSWER_LANGUAGES, MAX_INSTRUCTIONS_CHARS, type AnswerLanguage } from '@chat/contract';
import type { Preferences } from '@chat/contract/api';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';

const PREFERENCES_KEY = ['me', 'preferences'] as const;

/** Each answer language in its own name, as a picker shows it. */
function languageName(code: AnswerLanguage): string {
  return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
}

function Form({ initial }: { initial: Preferences }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [instructions, setInstructions] = useState(initial.instructions);
  const [language, setLanguage] = useState<AnswerLanguage | null>(initial.language);
  const save = useMutation({
    mutationFn: api.savePreferences,
    onSuccess: (saved) => queryClient.setQueryData(PREFERENCES_KEY, saved),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ instructions, language });
  };
  return (
    <form onSubmit={submit} className="space-y-5">
      <div className="space-y-2">
        <Label htmlFor="instructions">{t('settings.instructions')}</Label>
        <Textarea
          id="instructions"
          rows={8}
          value={instructions}
          maxLength={MAX_INSTRUCTIONS_CHARS}
          onChange={(e) => {
            setInstructions(e.target.value);
            save.reset();
          }}
        />
        <p className="text-xs text-muted-foreground">{t('settings.instructionsHint', { used: instructions.length, max: MAX_INSTRUCTIONS_CHARS })}</p>
      </div>
      <div className="space-y-2">
        <Label htmlFor="language">{t('settings.language')}</Label>
        <NativeSelect
          id="language"
          className="block"
          value={language ?? ''}
          onChange={(e) => {
            setLanguage(ANSWER_LANGUAGES.find((code) => code === e.target.value) ?? null);
            save.reset();
          }}
        >
          <option value="">{t('settings.languageAuto')}</option>
          {ANSWER_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {languageName(code)}
            </option>
          ))}
        </NativeSelect>
      </div>
      {save.error && <ErrorMessage error={toDisplayError(save.error)} />}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          {t('chat.save')}
        </Button>
        {save.isSuccess && (
          <p role="status" className="text-sm text-muted-foreground">
            {t('settings.saved')}
          </p>
        )}
      </div>
    </form>
  );
}

/** The user's custom instructions and answer language, sent with every new answer. */
export function InstructionsSettings() {
  const t = useT();
  const { data, error, isLoading } = useQuery({ queryKey: PREFERENCES_KEY, queryFn: api.preferences });
  return (
    <div className="mx-auto max-w-2xl space-y-6 p-4 md:p-6">
      <h1 className="text-2xl font-semibold">{t('settings.title')}</h1>
      {isLoading && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {data && <Form initial={data} />}
    </div>
  );
}
