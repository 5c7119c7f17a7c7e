import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

// Shapes follow what Toss hands out so app-side length/format assumptions get exercised.
export const newPaymentKey = () => `tgen_${pick(ALPHANUMERIC, 20)}`;
export const newTransactionKey = () => pick('0123456789ABCDEF', 32);
export const newVirtualAccountSecret = () => `ps_${pick(ALPHANUMERIC, 20)}`;
export const newAuthKey = () => `bln_${pick(ALPHANUMERIC, 20)}`;
export const newBillingKey = () => pick(ALPHANUMERIC, 44);
export const newApproveNo = () => pick('0123456789', 8);
export const newAccountNumber = () => `X${pick('0123456789', 13)}`;
