// SPDX-License-Identifier: Apache-2.0
import { Transform } from 'class-transformer';

/** Annex C gives some lists as single values ("modulation": "FM"); accept both, store a list. */
export const AsArray = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === undefined || Array.isArray(value) ? value : [value],
  );
