import { deriveGrouping, isKnownGrouping, isKnownStandardTaxCode } from '../../src/saft';

describe('næringsspesifikasjon groupings', () => {
  it('know the pairs of the official list', () => {
    expect(isKnownGrouping('balanseverdiForOmloepsmiddel', '1500')).toBe(true);
    expect(isKnownGrouping('kortsiktigGjeld', '2740')).toBe(true);
    expect(isKnownGrouping('kortsiktigGjeld', '1500')).toBe(false);
  });

  it.each([
    ['1500', undefined, 'balanseverdiForOmloepsmiddel', '1500'], // exact code
    ['1925', undefined, 'balanseverdiForOmloepsmiddel', '1920'], // nearest below in class 19
    ['2700', undefined, 'kortsiktigGjeld', '2740'], // the only code of class 27
    ['4000', undefined, 'varekostnad', '4005'], // purchases of goods
    ['4300', undefined, 'varekostnad', '4005'],
    ['6540', undefined, 'annenDriftskostnad', '6500'],
    ['8960', undefined, 'resultatDisponeringForSAF-T', '8800'], // no code in class 89: nearest in category
    ['19250', undefined, 'balanseverdiForOmloepsmiddel', '1920'], // longer numbers use their first 4 digits
    ['4000', '43', 'varekostnad', '4005'], // 1.10 standard account class
    ['A100', '1920', 'balanseverdiForOmloepsmiddel', '1920'], // 4-digit standard account replaces the number
  ])('derive %s (standard %s) as %s/%s', (accountId, standard, category, code) => {
    expect(deriveGrouping(accountId, standard)).toEqual({ groupingCategory: category, groupingCode: code });
    expect(isKnownGrouping(category, code)).toBe(true);
  });

  it('derive nothing for numbers outside the NS 4102 classes', () => {
    expect(deriveGrouping('999')).toBeUndefined();
    expect(deriveGrouping('9100')).toBeUndefined();
    expect(deriveGrouping('Kasse')).toBeUndefined();
  });
});

describe('standard tax codes', () => {
  it('are those of the official list, or NA', () => {
    expect(['1', '3', '31', '5', '52', 'NA'].map(isKnownStandardTaxCode)).toEqual([true, true, true, true, true, true]);
    expect(['2', '99', '', 'na'].map(isKnownStandardTaxCode)).toEqual([false, false, false, false]);
  });
});
