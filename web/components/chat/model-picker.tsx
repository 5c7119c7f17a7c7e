'use client';

import { useQuery } from '@tanstack/react-query';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { useChatStore } from '@/lib/stores/chat';

/** Picks among the models the plan allows (`/api/models`); the plan's default until the user chooses. */
export function ModelPicker() {
  const t = useT();
  const { data } = useQuery({ queryKey: ['models'], queryFn: api.models });
  const chosen = useChatStore((s) => s.model);
  const setModel = useChatStore((s) => s.setModel);
  if (!data || data.models.length === 0) return null;
  const value = chosen && data.models.some((m) => m.id === chosen) ? chosen : data.defaultModel;
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor="model-picker" className="sr-only text-muted-foreground md:not-sr-only">
        {t('chat.model')}
      </Label>
      <NativeSelect id="model-picker" className="w-36 md:w-48" value={value} onChange={(e) => setModel(e.target.value)}>
        {data.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.id}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
