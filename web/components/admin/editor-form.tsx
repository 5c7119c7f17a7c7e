'use client';

import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState, type FormEvent, type HTMLAttributes, type ReactNode } from 'react';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/utils';

/** A labelled control of an editor form; `id` ties the label to the control inside. */
export function EditorField({ id, label, className, children }: { id: string; label: string; className?: string; children: ReactNode }) {
  return (
    <div className={cn('min-w-0 space-y-1.5', className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

type TextKey<D> = { [K in keyof D]: D[K] extends string ? K : never }[keyof D] & string;

type TextOptions = {
  type?: 'text' | 'number';
  required?: boolean;
  placeholder?: string;
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
};

export type EditorFormOptions<D, Saved> = {
  /** Prefixes every control's id, so the page's forms for several rows never share one. */
  prefix: string;
  /** The draft a form starts from; a form for a new row starts from it again after each save. */
  initial: () => D;
  save: (draft: D) => Promise<Saved>;
  /** The queries a save (or any other change made from the form) makes stale. */
  invalidates: readonly QueryKey[];
  /** The form makes a new row: it is emptied once saved, for the next one. */
  creates: boolean;
};

/**
 * The state of one editor form (plans, providers, models): its draft, the save and what the
 * save makes stale, and the form's text inputs, each labelled and bound to a draft field.
 */
export function useEditorForm<D extends Record<string, unknown>, Saved>({ prefix, initial, save, invalidates, creates }: EditorFormOptions<D, Saved>) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const refresh = () => {
    for (const queryKey of invalidates) void queryClient.invalidateQueries({ queryKey });
  };
  const saving = useMutation({
    mutationFn: () => save(draft),
    onSuccess: () => {
      refresh();
      if (creates) setDraft(initial());
    },
  });
  const set = <K extends keyof D>(name: K, value: D[K]) => setDraft((current) => ({ ...current, [name]: value }));
  const idOf = (name: keyof D & string) => `${prefix}-${name}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    saving.mutate();
  };
  const text = (name: TextKey<D>, label: string, { type = 'text', required = true, placeholder, inputMode }: TextOptions = {}, className?: string) => (
    <EditorField id={idOf(name)} label={label} className={className}>
      <Input
        id={idOf(name)}
        type={type}
        inputMode={inputMode}
        value={draft[name] as string}
        onChange={(e) => set(name, e.target.value as D[typeof name])}
        required={required}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
      />
    </EditorField>
  );
  return { draft, set, idOf, submit, saving, refresh, text };
}
