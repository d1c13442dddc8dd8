// SPDX-License-Identifier: Apache-2.0
import { spacecraftConfig, stationConfig } from '../../../test/helpers/fixtures';
import { blankChannel, channelDocument, channelValues } from './channel-rows';

describe('channel editor rows', () => {
  // The fixtures' channels, with values that do not divide evenly into MHz and kHz.
  const station = {
    ...stationConfig().channels[0],
    frequencyRange: { minimum: 435e6, maximum: 438123457 },
    bandwidth: [12500, 25000],
  };
  const spacecraft = spacecraftConfig().channels[0];

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
      direction: 'BOTH',
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
