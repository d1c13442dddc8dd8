// SPDX-License-Identifier: Apache-2.0
import { blankChannel, channelDocument, channelValues } from './channel-rows';

describe('channel editor rows', () => {
  const station = {
    channelId: 'uhf',
    direction: 'BOTH',
    modulation: ['GMSK', 'FM'],
    frequencyRange: { minimum: 435e6, maximum: 438123457 },
    bandwidth: [12500, 25000],
    bitrate: [9600],
    polarization: ['RHCP', 'LHCP'],
  };
  const spacecraft = {
    channelId: 'tm',
    direction: 'DOWNLINK',
    modulation: 'GMSK',
    frequency: 437.5e6,
    bandwidth: 25000,
    bitrate: 9600,
    polarization: 'RHCP',
  };

  it('shows frequencies in MHz and bandwidths in kHz, lists comma-separated', () => {
    expect(channelValues('station', station)).toEqual({
      channelId: 'uhf',
      direction: 'BOTH',
      modulation: ['GMSK', 'FM'],
      'frequencyRange.minimum': '435',
      'frequencyRange.maximum': '438.123457',
      bandwidth: '12.5, 25',
      bitrate: '9600',
      polarization: ['RHCP', 'LHCP'],
    });
    expect(channelValues('spacecraft', spacecraft)).toMatchObject({
      frequency: '437.5',
      bandwidth: '25',
      modulation: 'GMSK',
    });
  });

  it("gives back the API's document, in Hz, from the rows it showed", () => {
    expect(channelDocument('station', channelValues('station', station))).toEqual(station);
    expect(channelDocument('spacecraft', channelValues('spacecraft', spacecraft))).toEqual(spacecraft);
  });

  it('leaves out what is not filled in and sends text that is no number as typed, for the API to name', () => {
    const values = { ...blankChannel('spacecraft'), channelId: ' x ', frequency: '437,5', bitrate: '' };
    expect(channelDocument('spacecraft', values)).toEqual({
      channelId: 'x',
      direction: 'DOWNLINK',
      modulation: 'FM',
      frequency: '437,5',
      polarization: 'RHCP',
    });
    expect(channelDocument('station', { ...blankChannel('station'), bandwidth: '25 12.5,x' })).toMatchObject({
      bandwidth: [25000, 12500, 'x'],
      modulation: [],
      polarization: [],
    });
  });
});
