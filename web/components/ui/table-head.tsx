import { cn } from '@/lib/utils';

/** One header cell: `numeric` right-aligns it over a column of numbers; a column with `shown: false` is left out. */
export type Column = { label: string; numeric?: boolean; shown?: boolean };

/** The header row every data table shares: muted, left-aligned column headers, each `scope="col"`. */
export function TableHead({ columns }: { columns: Column[] }) {
  const shown = columns.filter((column) => column.shown !== false);
  return (
    <thead>
      <tr className="border-b text-left text-muted-foreground">
        {shown.map((column, i) => (
          <th key={column.label} scope="col" className={cn('py-2 font-medium', i < shown.length - 1 && 'pr-3', column.numeric && 'text-right')}>
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
